from django.urls import path

from deskline.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
]
