# olenv's tab completion for fish: `olenv completion fish | source` in config.fish.
# (olenv completion prints, after this, a `complete` line for every command, option and
# word of the commands' usage texts.)

complete -c olenv -e

function __olenv_is --description 'Is the olenv command being completed this one?'
    set -l tokens (commandline -opc)
    test (count $tokens) -ge 2; and test "$tokens[2]" = $argv[1]
end

function __olenv_plain --description 'The plain words after the command word'
    set -l tokens (commandline -opc)
    set -l valued _olenv_valued_(string replace -a -- - _ $tokens[2])
    set -l skip 0
    for word in $tokens[3..-1]
        if test $skip = 1
            set skip 0
        else if string match -q -- '-*' $word
            if not string match -q -- '*=*' $word; and contains -- $word $$valued
                set skip 1
            end
        else
            echo $word
        end
    end
end

function __olenv_at --description 'Are there exactly N plain words before this one?'
    test (count (__olenv_plain)) -eq $argv[1]
end

function __olenv_profiles --description 'The profile names of the settings'
    # Read by olenv itself: no sign-in, no secret.
    set -l tokens (commandline -opc)
    set -l config
    set -l at (contains -i -- -c $tokens; or contains -i -- --config-file-path $tokens)
    if test -n "$at"; and test (count $tokens) -gt $at
        set config -c $tokens[(math $at + 1)]
    end
    command olenv list --names $config 2>/dev/null
end

function __olenv_exec_command --description 'Completion of the command olenv exec runs'
    # Its options end at its command (or at --); the rest is that command's own line.
    set -l tokens (commandline -opc) (commandline -ct)
    set -l skip 0
    for at in (seq 3 (count $tokens))
        set -l word $tokens[$at]
        if test $skip = 1
            set skip 0
        else if test "$word" = --
            # A command name never starts with a dash (and `complete -C` would take it as
            # its own option).
            set -l rest $tokens[(math $at + 1)..-1]
            string match -q -- '-*' $rest[1]; or __fish_complete_subcommand --commandline $rest
            return
        else if string match -q -- '-*' $word
            contains -- $word $_olenv_valued_exec; and set skip 1
        else
            __fish_complete_subcommand --commandline $tokens[$at..-1]
            return
        end
    end
end

# The command exec runs, and that command's own words (nothing while an option is typed).
complete -c olenv -n '__olenv_is exec' -x -a '(__olenv_exec_command)'
