"""Single sign-on: signing in with Google, Microsoft or another OpenID Connect provider."""
