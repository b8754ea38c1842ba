"""accounts.actions.normalize_email: an address the e-mail column can hold, or invalid_email."""

import pytest

from deskline.accounts.actions import EMAIL_MAX, normalize_email
from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed


def test_the_bound_is_the_columns_length():
    assert User._meta.get_field("email").max_length == EMAIL_MAX == 254


def test_an_address_of_the_columns_length_is_kept():
    address = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 61])

    assert len(address) == EMAIL_MAX
    assert normalize_email(f"  {address.upper()} ") == address


@pytest.mark.parametrize(
    "address",
    [
        "x" * 300 + "@acme.example",  # the attacker's: a 300-character local part
        "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 62]),  # 255 characters
    ],
)
def test_a_longer_address_is_refused_on_the_field_named(address):
    with pytest.raises(ValidationFailed) as refused:
        normalize_email(address, field="reporter_email")

    assert refused.value.code == "invalid_email"
    assert {k: [str(m) for m in v] for k, v in refused.value.fields.items()} == {
        "reporter_email": ["Enter a valid e-mail address."]
    }
