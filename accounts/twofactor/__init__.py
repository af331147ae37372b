"""Two-factor sign-in: a code from an authenticator app (TOTP, django-otp) after the password.

`policy` says who must use it, `middleware` holds a half-signed-in user to the few pages that
finish signing in, `services` makes and removes devices, and `views` are the pages.
docs/decisions/011-two-factor.md.
"""
