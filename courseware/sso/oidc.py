"""The OpenID Connect exchange with a provider: the redirect that starts it, and reading the
person's account from the provider's answer, once every check has passed (docs/security.md):

- the state in the answer is the one this browser's session holds (so the answer belongs to a
  sign-in started here, in this browser), and the code is exchanged with its PKCE verifier;
- the id token's signature verifies with a key of the provider's JWKS; its ``iss`` is the issuer
  of the provider's discovery document, its ``aud`` holds our client id (and ``azp``, if present,
  is ours), it has not expired (two minutes' leeway for clocks), and its ``nonce`` is the one sent.

Anything else is a SignInProblem, whose title and detail say what happened in plain words.
"""

from __future__ import annotations

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError
from werkzeug.wrappers import Response

from courseware.sso.accounts import ProviderAccount, SignInProblem, display_name, usable_email
from courseware.sso.providers import Provider, client_for

LEEWAY_SECONDS = 120
TRUE = (True, "true", "True")


def unreachable(provider: Provider) -> SignInProblem:
    return SignInProblem(
        f"{provider.label} could not be reached",
        f"Courseware could not reach {provider.label} to sign you in: it may be down, or the network between "
        "them is. Try again in a few minutes, or sign in with your password if your account has one.",
        502,
    )


def redirect_to(provider: Provider, redirect_uri: str) -> Response:
    """The redirect to the provider's sign-in page (state, nonce and PKCE challenge included)."""
    try:
        return client_for(provider).authorize_redirect(redirect_uri)
    except requests.RequestException:
        raise unreachable(provider) from None
    except (AuthlibBaseError, ValueError, KeyError, TypeError):
        raise _misconfigured(provider) from None


def account_from_answer(provider: Provider) -> ProviderAccount:
    """The provider's answer on the callback, checked; raises SignInProblem."""
    client = client_for(provider)
    try:
        issuer = client.load_server_metadata()["issuer"]
    except requests.RequestException:
        raise unreachable(provider) from None
    except (ValueError, KeyError, TypeError):
        raise _misconfigured(provider) from None
    # Authlib checks the issuer, and the audience only through ``azp``: both are required here.
    options = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
    }
    try:
        token = client.authorize_access_token(claims_options=options, leeway=LEEWAY_SECONDS)
    except MismatchingStateError:
        raise _stale(provider) from None
    except OAuthError as error:
        raise _refused(provider, error.error or "") from None
    except ExpiredTokenError:
        raise _untrusted(provider, "it has expired. Check that this computer's clock is right, and try again") from None
    except BadSignatureError:
        raise _untrusted(provider, f"its signature is not {provider.label}'s: it may have been tampered with") from None
    except ClaimError as error:
        raise _claim_problem(provider, error.claim) from None
    except JoseError:
        raise _untrusted(provider, f"it could not be verified with {provider.label}'s keys") from None
    except requests.HTTPError as error:
        status = error.response.status_code if error.response is not None else "?"
        raise _refused(provider, f"HTTP {status}") from None
    except requests.RequestException:
        raise unreachable(provider) from None
    except (AuthlibBaseError, ValueError, KeyError, TypeError):
        raise _untrusted(provider, "Courseware could not read it") from None
    claims = token.get("userinfo")
    if not claims:
        raise _untrusted(provider, "it held no identity token")
    return _account(provider, claims)


def _account(provider: Provider, claims: dict) -> ProviderAccount:
    subject = claims.get("sub")
    raw_email = claims.get("email") or ""
    if not isinstance(subject, str) or not subject or len(subject) > 255 or not isinstance(raw_email, str):
        raise _untrusted(provider, "it did not name you in a way Courseware can use")
    email = usable_email(raw_email)
    verified = claims.get("email_verified") in TRUE
    if provider.key == "microsoft" and claims.get("xms_edov") in (*TRUE, 1, "1"):
        verified = True  # Entra ID: the email's domain is verified by the tenant that owns it
    names = [claims.get("name"), " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name"))]
    return ProviderAccount(provider.key, subject, email, bool(email) and verified, display_name(names, email))


def _stale(provider: Provider) -> SignInProblem:
    return SignInProblem(
        "This sign-in was not started here",
        f"The answer from {provider.label} does not match a sign-in started in this browser: it may have been "
        "used already, begun in another browser or tab, or taken too long. Start again from the sign-in page.",
    )


def _refused(provider: Provider, error: str) -> SignInProblem:
    if error == "access_denied":
        return SignInProblem(
            f"You did not let {provider.label} sign you in",
            f"{provider.label} says the sign-in was cancelled or consent was refused, so you are not signed in. "
            f"To sign in with {provider.label}, start again and accept when it asks.",
            403,
        )
    return SignInProblem(
        f"{provider.label} refused the sign-in",
        f"{provider.label} answered with an error ({error[:60] or 'no reason given'}), so you are not signed in. "
        "Start again from the sign-in page; if it happens again, tell your Courseware administrator.",
    )


def _untrusted(provider: Provider, why: str) -> SignInProblem:
    return SignInProblem(
        "The sign-in could not be trusted",
        f"The proof of identity that came back from {provider.label} was refused: {why}. You are not signed in. "
        "Start again from the sign-in page.",
    )


def _claim_problem(provider: Provider, claim: str) -> SignInProblem:
    reasons = {
        "nonce": "it was issued for another sign-in than this one (its nonce does not match)",
        "aud": "it was issued for another application than Courseware (its audience is not ours)",
        "azp": "it was issued for another application than Courseware (its authorized party is not ours)",
        "iss": f"it was not issued by {provider.label} (its issuer is not the one expected)",
        "sub": "it does not say who you are",
        "exp": "it has no expiry time",
    }
    return _untrusted(provider, reasons.get(claim, f"its “{claim[:30]}” claim is not valid"))


def _misconfigured(provider: Provider) -> SignInProblem:
    return SignInProblem(
        f"Signing in with {provider.label} is not working",
        f"Courseware could not read {provider.label}'s settings (its discovery document). Tell your Courseware "
        "administrator; meanwhile, sign in with your password if your account has one.",
        502,
    )
