"""Ways to hand credentials over: a child process, shell code, the credentials file."""
