from django.urls import path

from deskline.workspace import account_views, sla_views, ticket_views, views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
    path("sidebar/", views.sidebar, name="sidebar"),
    path("preview/", views.preview, name="preview"),
    path("queues/<slug:slug>/", views.queue, name="queue"),
    path("queues/<slug:slug>/bulk/", views.bulk, name="bulk"),
    path("sla/preview/", sla_views.sla_preview, name="sla_preview"),
    path("account/", account_views.account, name="account"),
    path(
        "account/tokens/<int:token_id>/revoke/",
        account_views.token_revoke,
        name="token_revoke",
    ),
    path("notifications/", sla_views.notifications, name="notifications"),
    path("notifications/read/", sla_views.notifications_read, name="notifications_read"),
    path("tickets/<str:key>/", ticket_views.ticket_page, name="ticket"),
    path("tickets/<str:key>/sla/", ticket_views.ticket_sla_panel, name="ticket_sla"),
    path("tickets/<str:key>/comments/", ticket_views.ticket_comment, name="ticket_comment"),
    path(
        "tickets/<str:key>/files/<int:attachment_id>/",
        ticket_views.ticket_attachment,
        name="ticket_attachment",
    ),
    path("tickets/<str:key>/details/", ticket_views.ticket_details, name="ticket_details"),
    path("tickets/<str:key>/transition/", ticket_views.ticket_transition, name="ticket_transition"),
    path("tickets/<str:key>/move/", ticket_views.ticket_move, name="ticket_move"),
    path(
        "tickets/<str:key>/assign-to-me/",
        ticket_views.ticket_assign_to_me,
        name="ticket_assign_to_me",
    ),
]
