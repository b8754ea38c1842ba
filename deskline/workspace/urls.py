from django.urls import path

from deskline.workspace import account_views, knowledge_views, sla_views, ticket_views, views

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
    path("knowledge/", knowledge_views.article_list, name="articles"),
    path("knowledge/new/", knowledge_views.article_new, name="article_new"),
    path("knowledge/deflection/", knowledge_views.deflection_report, name="deflection"),
    path("knowledge/<int:article_id>/", knowledge_views.article_edit, name="article_edit"),
    path(
        "knowledge/<int:article_id>/publish/",
        knowledge_views.article_publish,
        name="article_publish",
    ),
    path(
        "knowledge/<int:article_id>/archive/",
        knowledge_views.article_archive,
        name="article_archive",
    ),
    path(
        "knowledge/<int:article_id>/outdated/",
        knowledge_views.article_flag_outdated,
        name="article_flag_outdated",
    ),
    path(
        "knowledge/<int:article_id>/reviewed/",
        knowledge_views.article_mark_reviewed,
        name="article_mark_reviewed",
    ),
    path(
        "knowledge/<int:article_id>/files/",
        knowledge_views.article_attachment,
        name="article_attachment",
    ),
    path("tickets/<str:key>/", ticket_views.ticket_page, name="ticket"),
    path(
        "tickets/<str:key>/knowledge/",
        knowledge_views.ticket_knowledge_panel,
        name="ticket_knowledge",
    ),
    path(
        "tickets/<str:key>/knowledge/link/",
        knowledge_views.ticket_article_link,
        name="ticket_article_link",
    ),
    path(
        "tickets/<str:key>/knowledge/unlink/",
        knowledge_views.ticket_article_unlink,
        name="ticket_article_unlink",
    ),
    path(
        "tickets/<str:key>/knowledge/new-article/",
        knowledge_views.ticket_article_create,
        name="ticket_article_create",
    ),
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
