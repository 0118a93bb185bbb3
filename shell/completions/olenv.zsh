# olenv's tab completion for zsh: eval "$(olenv completion zsh)" in ~/.zshrc, after compinit.
# (olenv completion prints _olenv_commands and _olenv_options, from its usage text, before this.)

_olenv() {
    local command=${words[2]-} dashes=${words[(i)--]}
    if ((CURRENT == 2)); then
        compadd -- $_olenv_commands --help --version
    elif [[ $command == exec ]] && ((dashes < CURRENT)); then
        shift $dashes words
        ((CURRENT -= dashes))
        _normal
    else
        case ${words[CURRENT - 1]} in
            --shell) compadd bash zsh fish sh ;;
            --format) compadd env dotenv json table text ;;
            -c | --config-file-path) _directories ;;
            -f | --file | --olenv-file) _files ;;
            *)
                case $command in
                    hook | completion) ((CURRENT == 3)) && compadd bash zsh fish ;;
                    agent) compadd start stop status ;;
                    password) compadd set forget ;;
                    profiles) compadd generate ;;
                    allow | deny) [[ $PREFIX == -* ]] && compadd -- --session || _files ;;
                    *) [[ $PREFIX == -* ]] && compadd -- $_olenv_options || _files ;;
                esac
                ;;
        esac
    fi
}

compdef _olenv olenv
