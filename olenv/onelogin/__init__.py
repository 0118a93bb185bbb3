"""OneLogin's API for the SAML sign-in: the HTTP client (client.py), the reading of
its replies (replies.py) and the sign-in flow (signin.py); MFA factors are in olenv.mfa."""
