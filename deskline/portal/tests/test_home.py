"""The help center's home, desk pages and short links."""

from django.test import Client

from deskline.desks.models import ShortLink
from deskline.testing.factories import make_ticket


def test_home_lists_every_desk_with_its_request_types_for_a_visitor(helpdesk):
    # Given a visitor who has not signed in
    client = Client()

    # When they open the help center
    response = client.get("/")

    # Then they see a welcome, a sign-in call to action and every desk with its forms
    assert response.status_code == 200
    page = response.content.decode()
    assert "How can we help?" in page
    assert 'href="/accounts/login/"' in page
    assert "IT help" in page and "People" in page
    assert f'href="/desks/IT/new/{helpdesk.laptop.pk}/"' in page
    assert "New laptop" in page and "Password reset" in page and "Onboarding" in page


def test_home_shows_request_type_names_in_chinese(helpdesk):
    # Given a request type with a Chinese name
    helpdesk.laptop.translations = {"zh-hans": {"name": "新笔记本电脑"}}
    helpdesk.laptop.save()

    # When a Chinese-speaking visitor opens the help center
    response = Client().get("/", headers={"accept-language": "zh-hans"})

    # Then the page is in Chinese and names the request type in Chinese
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "新笔记本电脑" in page
    assert response.headers["Content-Language"] == "zh-hans"


def test_home_search_finds_the_visitors_own_requests_only(helpdesk, signed_in):
    # Given Alice's and Carol's requests about printers
    make_ticket(desk=helpdesk.it, request_type=helpdesk.password_reset, reporter=helpdesk.alice,
                summary="Printer jammed again")  # fmt: skip
    make_ticket(desk=helpdesk.it, request_type=helpdesk.password_reset, reporter=helpdesk.carol,
                summary="Printer out of toner")  # fmt: skip
    make_ticket(desk=helpdesk.it, request_type=helpdesk.password_reset, reporter=helpdesk.alice,
                summary="New monitor please")  # fmt: skip

    # When Alice searches for "printer"
    response = signed_in(helpdesk.alice).get("/", {"q": "printer"})

    # Then she finds only her own printer request
    page = response.content.decode()
    assert response.status_code == 200
    assert "Printer jammed again" in page
    assert "Printer out of toner" not in page
    assert "New monitor please" not in page


def test_search_asks_a_visitor_to_sign_in(helpdesk):
    response = Client().get("/", {"q": "printer"})

    assert response.status_code == 200
    assert "Sign in to search your requests." in response.content.decode()


def test_desk_page_lists_its_request_types(helpdesk):
    response = Client().get("/desks/it/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "New laptop" in page and "Password reset" in page
    assert "Onboarding" not in page


def test_unknown_desk_is_the_404_page(helpdesk):
    response = Client().get("/desks/NOPE/")

    assert response.status_code == 404
    assert "We could not find this page" in response.content.decode()


def test_short_link_redirects_to_the_desk(helpdesk):
    # Given /go/ithelp pointing at the IT desk
    ShortLink.objects.create(slug="ithelp", desk=helpdesk.it)

    # When someone follows it
    response = Client().get("/go/ithelp")

    # Then they land on the IT desk's page
    assert response.status_code == 302
    assert response["Location"] == "/desks/IT/"


def test_short_link_naming_a_request_type_opens_its_form(helpdesk):
    ShortLink.objects.create(slug="laptop", desk=helpdesk.it, request_type=helpdesk.laptop)

    response = Client().get("/go/laptop")

    assert response.status_code == 302
    assert response["Location"] == f"/desks/IT/new/{helpdesk.laptop.pk}/"


def test_unknown_short_link_is_the_404_page(helpdesk):
    response = Client().get("/go/nothing-here")

    assert response.status_code == 404
    assert "We could not find this page" in response.content.decode()


def test_404_page_is_in_the_visitors_language(helpdesk):
    response = Client().get("/go/nothing-here", headers={"accept-language": "zh-hans"})

    assert response.status_code == 404
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_home_asks_the_same_number_of_queries_however_many_desks(
    helpdesk, signed_in, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deskline.testing.factories import make_desk, make_request_type

    client = signed_in(helpdesk.alice)
    with CaptureQueriesContext(connection) as two_desks:
        client.get("/")
    for number in range(4):
        make_request_type(make_desk(f"EXTRA{number}"), name=f"Extra form {number}")

    with django_assert_num_queries(len(two_desks)):
        page = client.get("/").content.decode()
    assert "Extra form 3" in page
