# olenv's tab completion for fish: `olenv completion fish | source` in config.fish.
# (olenv completion prints _olenv_commands and _olenv_options, from its usage text, before this.)

complete -c olenv -e
complete -c olenv -n __fish_use_subcommand -f -a "$_olenv_commands --help --version"
set -l plain 'not __fish_use_subcommand; and not __fish_seen_subcommand_from allow deny hook completion'
for option in $_olenv_options
    complete -c olenv -n $plain -l (string sub -s 3 -- $option)
end
complete -c olenv -n '__fish_seen_subcommand_from allow' -l session
complete -c olenv -n $plain -l shell -x -a 'bash zsh fish sh'
complete -c olenv -n $plain -l format -x -a 'env dotenv json table text'
complete -c olenv -n $plain -s c -l config-file-path -x -a '(__fish_complete_directories)'
complete -c olenv -n '__fish_seen_subcommand_from hook completion' -f -a 'bash zsh fish'
complete -c olenv -n '__fish_seen_subcommand_from agent' -f -a 'start stop status'
complete -c olenv -n '__fish_seen_subcommand_from password' -f -a 'set forget'
complete -c olenv -n '__fish_seen_subcommand_from profiles' -f -a generate
complete -c olenv -n '__fish_seen_subcommand_from allow deny' -x -a '(__fish_complete_directories)'
complete -c olenv -n '__fish_seen_subcommand_from exec; and contains -- -- (commandline -opc)' \
    -x -a '(__fish_complete_subcommand -- --)'
