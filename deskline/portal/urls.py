from django.urls import path

from deskline.portal import (
    account_views,
    community_views,
    knowledge_views,
    people_views,
    request_views,
    views,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("go/<str:slug>", views.short_link, name="short_link"),
    path("go/<str:slug>/", views.short_link),
    path("desks/<str:desk_key>/", views.desk, name="desk"),
    path(
        "desks/<str:desk_key>/new/<int:request_type_id>/",
        views.raise_request,
        name="raise_request",
    ),
    path(
        "desks/<str:desk_key>/new/<int:request_type_id>/suggestions/",
        knowledge_views.suggestions,
        name="suggestions",
    ),
    path("desks/<str:desk_key>/knowledge/", knowledge_views.knowledge, name="desk_knowledge"),
    path("knowledge/", knowledge_views.knowledge, name="knowledge"),
    path("knowledge/articles/<int:article_id>/", knowledge_views.article, name="article"),
    path(
        "knowledge/articles/<int:article_id>/feedback/",
        knowledge_views.article_feedback,
        name="article_feedback",
    ),
    path(
        "knowledge/articles/<int:article_id>/files/<int:attachment_id>/",
        knowledge_views.article_file,
        name="article_file",
    ),
    path("questions/", community_views.question_list, name="questions"),
    path("questions/ask/", community_views.question_ask, name="question_ask"),
    path("questions/<int:question_id>/", community_views.question_detail, name="question"),
    path(
        "questions/<int:question_id>/answers/",
        community_views.answer_post,
        name="answer_post",
    ),
    path("questions/<int:question_id>/vote/", community_views.question_vote, name="question_vote"),
    path(
        "questions/<int:question_id>/moderate/",
        community_views.question_moderate,
        name="question_moderate",
    ),
    path(
        "questions/<int:question_id>/to-article/",
        community_views.question_to_article,
        name="question_to_article",
    ),
    path(
        "questions/<int:question_id>/answers/<int:answer_id>/vote/",
        community_views.answer_vote,
        name="answer_vote",
    ),
    path(
        "questions/<int:question_id>/answers/<int:answer_id>/accept/",
        community_views.answer_accept,
        name="answer_accept",
    ),
    path(
        "questions/<int:question_id>/answers/<int:answer_id>/moderate/",
        community_views.answer_moderate,
        name="answer_moderate",
    ),
    path("people/suggestions/", people_views.people_suggestions, name="people_suggestions"),
    path("requests/", request_views.request_list, name="requests"),
    path("requests/<str:key>/", request_views.request_detail, name="request"),
    path("requests/<str:key>/comments/", request_views.add_comment, name="comment"),
    path("requests/<str:key>/status/", request_views.transition, name="transition"),
    path("requests/<str:key>/sharing/", request_views.sharing, name="sharing"),
    path(
        "requests/<str:key>/files/<int:attachment_id>/",
        request_views.attachment,
        name="attachment",
    ),
    path("accounts/login/", account_views.sign_in, name="login"),
    path("accounts/logout/", account_views.sign_out, name="logout"),
    path("accounts/signup/", account_views.sign_up, name="signup"),
    path("accounts/signup/sent/", account_views.sign_up_sent, name="signup_sent"),
    path(
        "accounts/signup/confirm/<str:token>/",
        account_views.sign_up_confirm,
        name="signup_confirm",
    ),
    path("accounts/", account_views.account, name="account"),
    path("accounts/password/", account_views.password_change, name="password_change"),
    path(
        "accounts/tokens/<int:token_id>/revoke/",
        account_views.token_revoke,
        name="token_revoke",
    ),
    path("accounts/password-reset/", account_views.password_reset, name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        account_views.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        account_views.password_reset_complete,
        name="password_reset_complete",
    ),
]
