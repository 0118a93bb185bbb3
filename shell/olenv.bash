# olenv's prompt hook for bash 4.4 or later: eval "$(olenv hook bash)" at the end of ~/.bashrc.
# (olenv hook prints _olenv_bin, _olenv_stamp and _olenv_vars, the managed variables, first.)
#
# In a tree whose .olenv was allowed, the shell holds that profile's credentials;
# leaving it puts back exactly what was there before. A prompt costs one string
# comparison and one read of a small file: only a new $PWD walks up for .olenv
# (builtins only), and only a different file, an allow or deny made anywhere, or
# credentials near expiry, runs olenv, which checks the trust.
#
# Nothing here fails or exits the shell, under set -euo pipefail too: every function
# returns 0, whatever olenv said (not allowed, sign-in refused, OneLogin down, Ctrl-C at
# the password, olenv gone), and olenv's own line says what went wrong.
#
# State, in unexported variables:
#   _olenv_pwd          the directory last looked at
#   _olenv_file         the .olenv that applies ("" none), whether or not it worked
#   _olenv_gen          the stamp as last read: olenv rewrites it at every allow or deny
#   _olenv_active       1 while olenv's values are set
#   _olenv_saved        "x" (exported) or "-" and the name of each variable set before;
#   _olenv_old_NAME     its value then (the user's own, kept in this shell only)
#   _olenv_expires      the credentials' expiry and _olenv_renew the next renewal, in epoch seconds
#   _olenv_ok           1 when the last run of olenv gave credentials
#   OLENV_MINUTES_LEFT  for the prompt

# Hands the user's $? back, for the prompt commands after it; PROMPT_COMMAND runs it as
# `_olenv_hook && :`, so that errexit never takes that status for a failure.
_olenv_hook() {
    local status=$? now gen=
    # An allow or deny since the last look, in any terminal: look again. A builtin read.
    [[ ! -f $_olenv_stamp ]] || IFS= read -r gen <"$_olenv_stamp" || :
    if [[ $gen != "$_olenv_gen" ]]; then
        _olenv_gen=$gen
        _olenv_recheck
    fi
    if [[ $PWD != "$_olenv_pwd" ]]; then
        _olenv_pwd=$PWD
        _olenv_find
        [[ $_olenv_found == "$_olenv_file" ]] || _olenv_enter
    fi
    # Credentials held: renew them near expiry, and keep the minutes left current.
    # The clock: EPOCHSECONDS in bash 5, printf's %(%s)T in bash 4.4.
    if [[ $_olenv_expires != 0 ]]; then
        now=${EPOCHSECONDS-}
        [[ -n $now ]] || printf -v now '%(%s)T' -1
        ((now < _olenv_renew)) || _olenv_renewal
        if [[ $_olenv_expires != 0 ]]; then
            OLENV_MINUTES_LEFT=$((now < _olenv_expires ? (_olenv_expires - now) / 60 : 0))
        fi
    fi
    return $status
}

# The nearest .olenv at or above $PWD, into _olenv_found.
_olenv_find() {
    local dir=${PWD%/}
    _olenv_found=
    while :; do
        if [[ -f $dir/.olenv ]]; then
            _olenv_found=$dir/.olenv
            return 0
        fi
        [[ -n $dir ]] || return 0
        dir=${dir%/*}
    done
}

_olenv_enter() {
    _olenv_leave
    # Recorded first: a failed or interrupted sign-in is not retried at every prompt.
    _olenv_file=$_olenv_found
    [[ -z $_olenv_file ]] || _olenv_fetch
    return 0
}

# An allow or deny was made somewhere: only if it changed the standing of the .olenv here
# (held but no longer trusted, or trusted but not held) does the hook look again, and
# olenv then says what changed. Other trees' allows cost this shell nothing more.
_olenv_recheck() {
    local trusted=0
    [[ -n $_olenv_file && $_olenv_file != . ]] || return 0
    command -v -- "$_olenv_bin" >/dev/null || return 0
    ! command "$_olenv_bin" hook --check="$_olenv_file" || trusted=1
    [[ $trusted == "$_olenv_active" ]] || _olenv_pwd= _olenv_file=.
    return 0
}

# Runs olenv for _olenv_file with the variables as they were before olenv's, then applies
# its code; _olenv_ok says whether it did. olenv itself prints why when it gives nothing.
_olenv_fetch() {
    local code
    _olenv_ok=0
    if ! command -v -- "$_olenv_bin" >/dev/null; then
        printf 'olenv: the prompt hook cannot run %s: not found (reinstall olenv, or take %s out of ~/.bashrc)\n' \
            "$_olenv_bin" 'eval "$(olenv hook bash)"' >&2
        return 0
    fi
    code=$(_olenv_leave; command "$_olenv_bin" export --shell bash --min-ttl 900 \
        --olenv-file "$_olenv_file") || return 0
    [[ $_olenv_active == 1 ]] || _olenv_save
    eval "$code"
    _olenv_times
    _olenv_ok=1
    return 0
}

_olenv_save() {
    local name
    _olenv_saved=()
    for name in "${_olenv_vars[@]}"; do
        [[ -n ${!name+x} ]] || continue
        if [[ ${!name@a} == *x* ]]; then
            _olenv_saved+=("x$name")
        else
            _olenv_saved+=("-$name")
        fi
        printf -v "_olenv_old_$name" '%s' "${!name}"
    done
    return 0
}

_olenv_leave() {
    [[ $_olenv_active == 1 ]] || return 0
    local name entry old
    for name in "${_olenv_vars[@]}"; do
        unset -v "$name"
    done
    for entry in "${_olenv_saved[@]}"; do
        name=${entry#?} old=_olenv_old_${entry#?}
        printf -v "$name" '%s' "${!old}"
        [[ $entry != x* ]] || export "$name"
        unset -v "$old"
    done
    _olenv_saved=() _olenv_active=0 _olenv_expires=0
    unset -v OLENV_MINUTES_LEFT
    return 0
}

# After new credentials: their expiry (UTC, as AWS_CREDENTIAL_EXPIRATION says it) in epoch
# seconds, by the civil-calendar arithmetic, so that no prompt needs `date`.
_olenv_times() {
    local e=${AWS_CREDENTIAL_EXPIRATION-} now y m
    _olenv_active=1 _olenv_expires=0
    [[ $e == [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z ]] ||
        return 0
    now=${EPOCHSECONDS-}
    [[ -n $now ]] || printf -v now '%(%s)T' -1
    : $((y = 10#${e:0:4}, m = 10#${e:5:2}, y -= m <= 2,
         _olenv_expires = (y / 400 * 146097 + y % 400 * 365 + y % 400 / 4 - y % 400 / 100
                           + (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + 10#${e:8:2} - 1 - 719468) * 86400
                          + 10#${e:11:2} * 3600 + 10#${e:14:2} * 60 + 10#${e:17:2},
         _olenv_renew = _olenv_expires - 600 < now + 60 ? now + 60 : _olenv_expires - 600))
    OLENV_MINUTES_LEFT=$(((_olenv_expires - now) / 60))
    return 0
}

# Near expiry: new credentials (the agent's, or a sign-in), else the old ones until they end.
_olenv_renewal() {
    _olenv_fetch
    if [[ $_olenv_ok == 1 ]]; then
        return 0
    elif ((now >= _olenv_expires)); then
        _olenv_leave
    else
        _olenv_renew=$_olenv_expires
    fi
    return 0
}

# Loaded, the state starts afresh, unless it is this shell's own from an earlier load (a
# re-read ~/.bashrc). Whatever came in the environment is exported, so is someone else's:
# then none of it is kept, and nothing inherited is ever read as arithmetic or code.
_olenv_load() {
    local - name reset=0
    set +u  # the attributes of an empty array read as unset
    for name in "${!_olenv_@}"; do
        [[ ${!name@a} != *x* ]] || reset=1
    done
    [[ $_olenv_active == [01] && $_olenv_expires =~ ^[0-9]+$ && $_olenv_renew =~ ^[0-9]+$ ]] ||
        reset=1
    if [[ $reset == 0 ]]; then
        # Kept state from an older hook may lack what this one adds.
        : "${_olenv_found=}" "${_olenv_gen=}" "${_olenv_ok=0}"
        return 0
    fi
    for name in "${!_olenv_@}"; do
        case $name in
            _olenv_bin | _olenv_stamp | _olenv_vars) ;;
            *) unset -v "$name" ;;
        esac
    done
    unset -v OLENV_MINUTES_LEFT
    _olenv_pwd= _olenv_file= _olenv_found= _olenv_gen= _olenv_active=0 _olenv_expires=0
    _olenv_renew=0 _olenv_ok=0 _olenv_saved=()
    return 0
}
_olenv_load
unset -f _olenv_load
# A function of these names from the environment (BASH_FUNC_..) is replaced above; not passed on.
export -fn _olenv_hook _olenv_find _olenv_enter _olenv_recheck _olenv_fetch _olenv_save \
    _olenv_leave _olenv_times _olenv_renewal
export -n OLENV_MINUTES_LEFT
if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] < 404)); then
    echo "olenv: the prompt hook needs bash 4.4 or later, not $BASH_VERSION" >&2
elif [[ ${PROMPT_COMMAND-} == _olenv_hook || ${PROMPT_COMMAND-} == "_olenv_hook;"* ]]; then
    PROMPT_COMMAND="_olenv_hook && :${PROMPT_COMMAND#_olenv_hook}"  # an older hook's entry
elif [[ ";${PROMPT_COMMAND[*]-};" != *";_olenv_hook"[\;\ ]* ]]; then
    # First, so that prompt commands after it (starship's, the user's) see the new values.
    if [[ -n ${PROMPT_COMMAND+x} && ${PROMPT_COMMAND@a} == *a* ]]; then
        PROMPT_COMMAND=("_olenv_hook && :" "${PROMPT_COMMAND[@]}")
    else
        PROMPT_COMMAND="_olenv_hook && :${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
    fi
fi
