"""The session agent: credentials and the last SAML assertion, held in one process's memory.

Like ssh-agent: a long-lived process behind a unix socket that only its own
user may reach. Every olenv command asks it first; nothing it holds touches disk.
"""

# Seconds credentials must have left to be reused: a few minutes, and for exec, whose
# command may run long, 15 (a child should not start with credentials about to die).
MIN_TTL = 300
EXEC_MIN_TTL = 900

# OLENV_AGENT values that turn the agent off.
OFF = ("off", "0", "no", "false")
