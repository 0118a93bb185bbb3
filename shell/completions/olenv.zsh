# olenv's tab completion for zsh: eval "$(olenv completion zsh)" in ~/.zshrc, after compinit.
# (olenv completion prints, after this, the words of every command's usage text as
# the functions _olenv_options, _olenv_value, _olenv_words and _olenv_positional.)

_olenv_profiles() {
    # The profile names of the settings, read by olenv itself: no sign-in, no secret.
    local i
    local -a config
    for ((i = 3; i < CURRENT; i++)); do
        case ${words[i]} in
            -c | --config-file-path) config=(-c "${words[i + 1]}") ;;
        esac
    done
    command olenv list --names "${config[@]}" 2>/dev/null
}

_olenv_add_profiles() {
    local -a names
    names=("${(@f)$(_olenv_profiles)}")
    compadd -- ${names:#}
}

_olenv() {
    local command=${words[2]-} value word prev i plain=0 skip=0
    local -a entries
    if ((CURRENT == 2)); then
        entries=("${(@f)_olenv_commands}" '--help:Show the help' '--version:Show the version')
        _describe -t commands 'olenv command' entries
        return
    fi
    for ((i = 3; i < CURRENT; i++)); do
        word=${words[i]}
        if ((skip)); then
            skip=0
        elif [[ $word == -- && $command == exec ]]; then
            shift $i words  # after --, the command exec runs, completed as itself
            ((CURRENT -= i))
            _normal
            return
        elif [[ $word == -* ]]; then
            [[ $word != *=* && -n $(_olenv_value $command $word) ]] && skip=1
        elif [[ $command == exec ]]; then
            shift $((i - 1)) words  # exec's options end at its command
            ((CURRENT -= i - 1))
            _normal
            return
        else
            ((plain++))
        fi
    done
    prev=${words[CURRENT - 1]}
    value=$(_olenv_value $command $prev)
    if [[ -n $value && $prev == -* ]]; then
        case $value in
            @profile) _olenv_add_profiles ;;
            @dir) _directories ;;
            @file) _files ;;
            @none) _message 'a value' ;;
            *) compadd -- ${=value} ;;
        esac
    elif [[ $PREFIX == -* ]]; then
        entries=("${(@f)$(_olenv_options $command)}")
        _describe -t options "olenv $command option" entries
    elif ((plain == 0)) && [[ -n $(_olenv_words $command) ]]; then
        compadd -- ${=$(_olenv_words $command)}
    else
        value=$(_olenv_positional $command)
        case $value in
            @profile) _olenv_add_profiles ;;
            @commands)
                entries=("${(@f)_olenv_commands}")
                _describe -t commands 'olenv command' entries
                ;;
            @command) _command_names -e ;;
            @dir) _directories ;;
            @*) _files ;;
            *) compadd -- ${=value} ;;
        esac
    fi
}
