"""Single sign-on: signing in with Google, Microsoft, another OpenID Connect provider, or a SAML
2.0 identity provider."""
