from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "deskline.community"
    label = "community"

    def ready(self) -> None:
        # The knowledge base's search (help center suggestions, knowledge pages) shows answered
        # questions beside articles; knowledge cannot import this app, so it is told here.
        from deskline.community.selectors import questions_by_id
        from deskline.knowledge.selectors import register_document_loader
        from deskline.search.documents import QUESTION

        register_document_loader(QUESTION, questions_by_id)
