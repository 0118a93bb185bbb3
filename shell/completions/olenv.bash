# olenv's tab completion for bash: eval "$(olenv completion bash)" in ~/.bashrc.
# (olenv completion prints, after this, the words of every command's usage text as
# the functions _olenv_options, _olenv_value, _olenv_words and _olenv_positional.)

_olenv_profiles() {
    # The profile names of the settings, read by olenv itself: no sign-in, no secret.
    local i config=()
    for ((i = 2; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -c | --config-file-path) config=(-c "${COMP_WORDS[i + 1]-}") ;;
        esac
    done
    command olenv list --names "${config[@]}" 2>/dev/null
}

_olenv_add_profiles() {
    # Not through compgen -W, which expands its words: a profile named $(...) would run.
    local name quoted
    while IFS= read -r name; do
        [[ -n $name && $name == "$cur"* ]] || continue
        printf -v quoted %q "$name"
        COMPREPLY+=("$quoted")
    done < <(_olenv_profiles)
}

_olenv_complete() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local command=${COMP_WORDS[1]-} words="" value i word plain=0 skip=0
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        words="$_olenv_commands --help --version"
    else
        # The plain words before this one (an option's value is not one of them).
        for ((i = 2; i < COMP_CWORD; i++)); do
            word=${COMP_WORDS[i]}
            if ((skip)); then
                skip=0
            elif [[ $word == -- && $command == exec ]]; then
                # After --, the command exec runs: a program, then its own words.
                ((i == COMP_CWORD - 1)) && mapfile -t COMPREPLY < <(compgen -c -- "$cur")
                return 0
            elif [[ $word == -* ]]; then
                [[ $word != *=* && -n $(_olenv_value "$command" "$word") ]] && skip=1
            else
                plain=$((plain + 1))
            fi
        done
        # exec's options end at its command: what follows is the command's own.
        [[ $command == exec ]] && ((plain > 0)) && return 0
        value=$(_olenv_value "$command" "$prev")
        if [[ -n $value && $prev == -* ]]; then
            case $value in
                @profile) _olenv_add_profiles; return 0 ;;
                @dir) compopt -o dirnames 2>/dev/null; return 0 ;;
                @file | @none) return 0 ;;
                *) words=$value ;;
            esac
        elif [[ $cur == -* ]]; then
            words=$(_olenv_options "$command")
        elif ((plain == 0)) && [[ -n $(_olenv_words "$command") ]]; then
            words=$(_olenv_words "$command")
        else
            value=$(_olenv_positional "$command")
            case $value in
                @profile) _olenv_add_profiles; return 0 ;;
                @commands) words=$_olenv_commands ;;
                @command) mapfile -t COMPREPLY < <(compgen -c -- "$cur"); return 0 ;;
                @*) return 0 ;;
                *) words=$value ;;
            esac
        fi
    fi
    [[ -n $words ]] && mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    return 0
}
