"""Shell sources olenv prints: the prompt hooks (olenv.bash, olenv.zsh, olenv.fish) and,
in completions/, the tab completions. Installed with the package as olenv.shell."""
