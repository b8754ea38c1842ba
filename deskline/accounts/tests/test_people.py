"""People: e-mail as identity, roles, and customers created on first contact."""

import pytest
from django.core.exceptions import ValidationError

from deskline.accounts.actions import customer_get_or_create, normalize_email
from deskline.accounts.models import Organization, Role, User, validate_time_zone
from deskline.core.errors import ValidationFailed
from deskline.testing.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "is_agent", "is_desk_admin", "is_site_admin"),
    [
        (Role.CUSTOMER, False, False, False),
        (Role.AGENT, True, False, False),
        (Role.DESK_ADMIN, True, True, False),
        (Role.SITE_ADMIN, True, True, True),
    ],
)
def test_a_role_decides_what_a_person_is(role, is_agent, is_desk_admin, is_site_admin):
    person = make_user(role=role)

    assert (person.is_agent, person.is_desk_admin, person.is_site_admin) == (
        is_agent,
        is_desk_admin,
        is_site_admin,
    )
    assert person.is_staff == is_desk_admin


def test_an_email_address_is_stored_in_lower_case():
    person = User.objects.create_user("Dana.Lee@ACME.example", display_name="Dana")

    assert person.email == "dana.lee@acme.example"
    assert person.has_usable_password() is False


def test_a_superuser_is_a_site_admin():
    admin = User.objects.create_superuser("root@example.com", "s3cret-pass", display_name="Root")

    assert (admin.role, admin.is_superuser, admin.is_site_admin) == (Role.SITE_ADMIN, True, True)
    assert admin.check_password("s3cret-pass")


def test_the_factory_password_works():
    assert make_user().check_password(DEFAULT_PASSWORD)


def test_a_new_customer_is_created_without_a_password():
    customer = customer_get_or_create(email="  New.Person@Example.COM ")

    assert customer.email == "new.person@example.com"
    assert customer.display_name == "new.person"
    assert customer.role == Role.CUSTOMER
    assert customer.has_usable_password() is False


def test_a_known_person_is_found_not_created_again():
    agent = make_user(role=Role.AGENT, email="li@deskline.example")

    found = customer_get_or_create(email="LI@deskline.example", display_name="Someone else")

    assert found == agent
    assert found.role == Role.AGENT
    assert User.objects.count() == 1


@pytest.mark.parametrize("email", ["", "   ", "not an address", "a@", "@b.c", "a b@c.d", None])
def test_an_invalid_email_address_is_refused(email):
    with pytest.raises(ValidationFailed) as refused:
        customer_get_or_create(email=email)

    assert refused.value.code == "invalid_email"
    assert list(refused.value.fields) == ["email"]
    assert User.objects.count() == 0


def test_normalize_email_names_the_field_it_checks():
    with pytest.raises(ValidationFailed) as refused:
        normalize_email("nope", field="reporter_email")

    assert list(refused.value.fields) == ["reporter_email"]
    assert normalize_email(" X@Y.example ") == "x@y.example"


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "Europe/Berlin"])
def test_a_known_time_zone_is_accepted(zone):
    validate_time_zone(zone)


@pytest.mark.parametrize("zone", ["", "Mars/Olympus", "GMT+25", "utc "])
def test_an_unknown_time_zone_is_refused(zone):
    with pytest.raises(ValidationError):
        validate_time_zone(zone)


def test_deleting_an_organization_keeps_its_members():
    acme = Organization.objects.create(name="Acme")
    member = make_user(organization=acme)

    acme.delete()

    member.refresh_from_db()
    assert member.organization is None
