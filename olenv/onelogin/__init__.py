"""OneLogin's API for the SAML sign-in: the HTTP client (client.py), the reading of
its replies (replies.py), the sign-in flow (signin.py) and the MFA factors (mfa/),
each of which is one way of calling Verify Factor."""
