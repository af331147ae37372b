from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("", views.SchoolListView.as_view(), name="list"),
    path("export.csv", views.SchoolListExportView.as_view(file_format="csv"), name="list_csv"),
    path("export.xlsx", views.SchoolListExportView.as_view(file_format="xlsx"), name="list_xlsx"),
    path("<int:urn>/", views.SchoolDetailView.as_view(), name="detail"),
]

urlpatterns += [
    path("imports/", views.ImportListView.as_view(), name="import_list"),
    path("imports/new/<slug:kind>/", views.ImportUploadView.as_view(), name="import_upload"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/progress/", views.ImportProgressView.as_view(), name="import_progress"),
    path("imports/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
]
