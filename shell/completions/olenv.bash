# olenv's tab completion for bash: eval "$(olenv completion bash)" in ~/.bashrc.
# (olenv completion prints _olenv_commands and _olenv_options, from its usage text, before this.)

_olenv_complete() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local command=${COMP_WORDS[1]-} words
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        words="${_olenv_commands[*]} --help --version"
    elif [[ $command == exec && " ${COMP_WORDS[*]:1:COMP_CWORD-1} " == *" -- "* ]]; then
        return  # the command to run: -o default completes it as a path
    else
        case $prev in
            --shell) words="bash zsh fish sh" ;;
            --format) words="env dotenv json table text" ;;
            -c | --config-file-path | -f | --file | --olenv-file) return ;;  # paths
            *)
                case $command in
                    hook | completion) ((COMP_CWORD == 2)) && words="bash zsh fish" ;;
                    agent) words="start stop status" ;;
                    password) words="set forget" ;;
                    profiles) words="generate" ;;
                    allow | deny) [[ $cur == -* ]] && words="--session" || return ;;
                    *) [[ $cur == -* ]] && words="${_olenv_options[*]}" ;;
                esac
                ;;
        esac
    fi
    [[ -n ${words-} ]] && mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    return 0
}

complete -o default -F _olenv_complete olenv
