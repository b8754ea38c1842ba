from django.contrib import admin
from django.urls import include, path, re_path

from deskline.api.v1 import unknown_endpoint, urlconf
from deskline.core.views import favicon

urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/v1/", urlconf()),
    re_path(r"^api/v1/(?P<path>.*)$", unknown_endpoint),
    path("i18n/", include("django.conf.urls.i18n")),
    path("agent/", include("deskline.workspace.urls")),
    path("mail/", include("deskline.mail.urls")),
    path("", include("deskline.portal.urls")),
]
