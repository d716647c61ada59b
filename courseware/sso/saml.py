"""The SAML 2.0 exchange with an identity provider (docs/security.md): the signed authentication
request Courseware sends by HTTP-Redirect, and the person's account read from the identity
provider's answer, posted to the assertion consumer service, once every check has passed:

- the assertion, or the response holding it, is signed with a key of the identity provider's
  metadata (xmlsec1 checks it, through pysaml2); an unsigned one is refused;
- it answers the request this sign-in sent (InResponseTo, in the response and in the subject
  confirmation), which routes.py takes from the signed relay state and then matches with this
  browser's session;
- its audience is our entity id, its Destination (when present) and its Recipient are our
  assertion consumer service, and the time is inside its NotBefore and NotOnOrAfter (two
  minutes' leeway for clocks);
- its NameID is present and not transient; routes.py records its ID, so that it is used once.

Anything else is a SignInProblem, whose title and detail say what happened in plain words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.response import StatusError, UnsolicitedResponse
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.sigver import SignatureError, SigverError
from saml2.validate import ResponseLifetimeExceed, ToEarly
from saml2.xmldsig import SIG_RSA_SHA256

from config import ProviderSettingProblem
from courseware.sso.accounts import ProviderAccount, SignInProblem, display_name, usable_email
from courseware.sso.saml_providers import LEEWAY_SECONDS, STRONG_ALGORITHMS, IdentityProvider, acs_url, client_for

MAX_ANSWER = 200_000  # characters of a posted SAMLResponse
LONGEST_KEPT = 24 * 3600  # an assertion without an expiry is remembered this long
NAME_ATTRIBUTES = ("displayName", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "cn", "name")


@dataclass(frozen=True)
class Answer:
    """A checked answer: the person, and the assertion's ID and expiry (to refuse a replay)."""

    account: ProviderAccount
    assertion_id: str
    expires_at: datetime


def redirect_to(provider: IdentityProvider, request_id: str, relay_state: str) -> tuple[str, str]:
    """The signed authentication request's ID (``request_id``), and the address of the identity
    provider's sign-in page carrying it (HTTP-Redirect)."""
    try:
        client, idp = client_for(provider)
        request_id, info = client.prepare_for_authenticate(
            entityid=idp,
            relay_state=relay_state,
            binding=BINDING_HTTP_REDIRECT,
            sign=True,
            sigalg=SIG_RSA_SHA256,
            message_id=request_id,
        )
    except (ProviderSettingProblem, SigverError, ValueError, KeyError, TypeError):
        raise _misconfigured(provider) from None
    location = dict(info["headers"])["Location"]
    return str(request_id), str(location)


def answer_from_post(provider: IdentityProvider, saml_response: str, request_id: str) -> Answer:
    """The identity provider's posted answer to the request ``request_id``, checked; raises
    SignInProblem."""
    if not saml_response or len(saml_response) > MAX_ANSWER:
        raise _untrusted(provider, "it was empty, or too large to be one")
    try:
        client, _ = client_for(provider)
    except ProviderSettingProblem:
        raise _misconfigured(provider) from None
    acs = acs_url(provider)
    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={request_id: "/"}, conv_info={"acs": acs}
        )
    except UnsolicitedResponse:
        raise stale(provider) from None
    except (ResponseLifetimeExceed, ToEarly):
        raise _untrusted(
            provider, "it is outside the time it is valid for. Check that this computer's clock is right"
        ) from None
    except StatusError:
        raise SignInProblem(
            f"{provider.label} refused the sign-in",
            f"{provider.label} answered that it could not sign you in, so you are not signed in. Start again from "
            "the sign-in page; if it happens again, tell your Courseware administrator.",
        ) from None
    except (SignatureError, SigverError) as error:
        if "Neither the response nor the assertions are signed" in str(error):
            raise _untrusted(provider, f"it is not signed by {provider.label}") from None
        raise _untrusted(provider, f"its signature is not {provider.label}'s: it may have been tampered with") from None
    except Exception as error:  # pysaml2 raises bare Exceptions for failed conditions (the audience)
        raise _untrusted(provider, _reason(provider, str(error))) from None
    if response is None or response.assertion is None:
        raise _untrusted(provider, "it was sent to another address than Courseware's, or is not a valid answer")
    return _answer(provider, response, acs)


def _reason(provider: IdentityProvider, message: str) -> str:
    if "Audience" in message:
        return "it was issued for another application than Courseware (its audience is not ours)"
    if "recipient" in message.lower():
        return "it was sent to another address than Courseware's (its recipient is not ours)"
    if "ignature" in message:
        return f"it is not signed by {provider.label}"
    return "Courseware could not read it"


def _weak_signature(response) -> bool:
    """True when a signature of the answer uses SHA-1 (or older), which can be forged."""
    for signature in (response.response.signature, response.assertion.signature):
        if signature is None:
            continue
        info = signature.signed_info
        algorithms = [info.signature_method.algorithm] + [r.digest_method.algorithm for r in info.reference]
        if any(algorithm not in STRONG_ALGORITHMS for algorithm in algorithms):
            return True
    return False


def _answer(provider: IdentityProvider, response, acs: str) -> Answer:
    assertion = response.assertion
    if _weak_signature(response):
        raise _untrusted(provider, "it is signed with SHA-1, which is no longer safe: ask for SHA-256")
    for confirmation in assertion.subject.subject_confirmation:
        data = confirmation.subject_confirmation_data
        if data is None or data.recipient != acs:
            raise _untrusted(provider, "it was sent to another address than Courseware's (its recipient is not ours)")
    destination = response.response.destination
    if destination and destination != acs:
        raise _untrusted(provider, "it was sent to another address than Courseware's (its destination is not ours)")
    name_id = assertion.subject.name_id
    subject = (name_id.text or "").strip() if name_id is not None else ""
    if not subject or len(subject) > 255 or (name_id.format == NAMEID_FORMAT_TRANSIENT):
        raise _untrusted(provider, "it did not name you in a way Courseware can use (a lasting NameID)")
    if not assertion.id or len(assertion.id) > 255:
        raise _untrusted(provider, "it has no ID")
    attributes = _attributes(assertion)
    email = usable_email(next(iter(attributes.get(provider.email_attribute, [])), ""))
    names = [next(iter(attributes.get(name, [])), None) for name in NAME_ATTRIBUTES]
    names.append(" ".join(next(iter(attributes.get(n, [])), "") for n in ("givenName", "sn")))
    account = ProviderAccount(
        provider.identity_provider,
        subject,
        email,
        bool(email) and provider.vouches_for_emails,
        display_name(names, email),
    )
    # Kept until it could no longer pass the time check (its NotOnOrAfter, plus the leeway).
    expires = min((response.not_on_or_after or time.time() + LONGEST_KEPT) + LEEWAY_SECONDS, time.time() + LONGEST_KEPT)
    return Answer(account, assertion.id, datetime.fromtimestamp(expires, UTC))


def _attributes(assertion) -> dict[str, list[str]]:
    """The assertion's attributes, by name and by friendly name."""
    found: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            values = [value.text for value in attribute.attribute_value if isinstance(value.text, str)]
            for name in {attribute.name, attribute.friendly_name} - {None, ""}:
                found.setdefault(name, []).extend(values)
    return found


def stale(provider: IdentityProvider) -> SignInProblem:
    return SignInProblem(
        "This sign-in was not started here",
        f"The answer from {provider.label} does not match a sign-in started in this browser: it may have been "
        "used already, begun in another browser or tab, or taken too long. Start again from the sign-in page.",
    )


def replayed(provider: IdentityProvider) -> SignInProblem:
    return _untrusted(provider, "it has been used already")


def _untrusted(provider: IdentityProvider, why: str) -> SignInProblem:
    return SignInProblem(
        "The sign-in could not be trusted",
        f"The proof of identity that came back from {provider.label} was refused: {why}. You are not signed in. "
        "Start again from the sign-in page.",
    )


def _misconfigured(provider: IdentityProvider) -> SignInProblem:
    return SignInProblem(
        f"Signing in with {provider.label} is not working",
        f"Courseware could not use {provider.label}'s settings (its metadata, or Courseware's own certificate). "
        "Tell your Courseware administrator; meanwhile, sign in with your password if your account has one.",
        502,
    )
