"""Every list of the API comes in pages: 50 rows unless the client asks for up to 200."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
