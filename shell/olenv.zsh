# olenv's prompt hook for zsh: eval "$(olenv hook zsh)" at the end of ~/.zshrc.
# (olenv hook prints _olenv_bin, _olenv_stamp and _olenv_vars, the managed variables, first.)
#
# In a tree whose .olenv was allowed, the shell holds that profile's credentials;
# leaving it puts back exactly what was there before. A prompt costs one string
# comparison and one read of a small file: only a new $PWD walks up for .olenv
# (builtins only), and only a different file, an allow or deny made anywhere, or
# credentials near expiry, runs olenv, which checks the trust.
# It runs at each prompt and at each cd (chpwd), so `cd app && terraform plan` works.
#
# Nothing here fails or exits the shell, under `setopt err_exit nounset pipefail` too:
# every function returns 0, whatever olenv said (not allowed, sign-in refused, OneLogin
# down, Ctrl-C at the password, olenv gone), and olenv's own line says what went wrong.
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

# zsh keeps $? across precmd and chpwd. The user's options (ksh_arrays, nounset,
# warn_create_global...) stay out of everything but this first part, which they cannot upset.
_olenv_hook() {
    local gen=
    # An allow or deny since the last look, in any terminal: look again. A builtin read.
    [[ ! -f $_olenv_stamp ]] || IFS= read -r gen <$_olenv_stamp || :
    [[ $gen == "$_olenv_gen" ]] || _olenv_recheck "$gen"
    [[ $PWD == "$_olenv_pwd" ]] || _olenv_moved
    # Credentials held: renew them near expiry, and keep the minutes left current.
    if [[ $_olenv_expires != 0 ]]; then
        ((EPOCHSECONDS < _olenv_renew)) || _olenv_renewal
        if [[ $_olenv_expires != 0 ]]; then
            OLENV_MINUTES_LEFT=$((EPOCHSECONDS < _olenv_expires ? (_olenv_expires - EPOCHSECONDS) / 60 : 0))
        fi
    fi
    return 0
}

_olenv_moved() {
    emulate -L zsh
    _olenv_pwd=$PWD
    _olenv_find
    [[ $_olenv_found == "$_olenv_file" ]] || _olenv_enter
    return 0
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
    emulate -L zsh
    local trusted=0
    _olenv_gen=$1
    [[ -n $_olenv_file && $_olenv_file != . ]] || return 0
    whence -p -- $_olenv_bin >/dev/null || return 0
    ! command $_olenv_bin hook --check=$_olenv_file || trusted=1
    [[ $trusted == "$_olenv_active" ]] || _olenv_pwd= _olenv_file=.
    return 0
}

# Runs olenv for _olenv_file with the variables as they were before olenv's, then applies
# its code; _olenv_ok says whether it did. olenv itself prints why when it gives nothing.
_olenv_fetch() {
    # A Ctrl-C at olenv's prompt reaches olenv, which ends; without this trap zsh would
    # also abandon the command line, and under err_exit leave the shell.
    setopt local_options local_traps
    trap : INT
    local code
    _olenv_ok=0
    if ! whence -p -- $_olenv_bin >/dev/null; then
        printf 'olenv: the prompt hook cannot run %s: not found (reinstall olenv, or take %s out of ~/.zshrc)\n' \
            $_olenv_bin 'eval "$(olenv hook zsh)"' >&2
        return 0
    fi
    code=$(_olenv_leave; command $_olenv_bin export --shell zsh --min-ttl 900 \
        --olenv-file $_olenv_file) || return 0
    [[ $_olenv_active == 1 ]] || _olenv_save
    eval "$code"
    _olenv_times
    _olenv_ok=1
    return 0
}

_olenv_save() {
    local name
    _olenv_saved=()
    for name in $_olenv_vars; do
        ((${+parameters[$name]})) || continue
        if [[ ${parameters[$name]} == *-export* ]]; then
            _olenv_saved+=("x$name")
        else
            _olenv_saved+=("-$name")
        fi
        typeset -g "_olenv_old_$name=${(P)name}"
    done
    return 0
}

_olenv_leave() {
    [[ $_olenv_active == 1 ]] || return 0
    local name entry old
    for name in $_olenv_vars; do
        unset $name
    done
    for entry in $_olenv_saved; do
        name=${entry#?} old=_olenv_old_${entry#?}
        typeset -g "$name=${(P)old}"
        [[ $entry != x* ]] || export $name
        unset $old
    done
    _olenv_saved=() _olenv_active=0 _olenv_expires=0
    unset OLENV_MINUTES_LEFT
    return 0
}

# After new credentials: their expiry (UTC, as AWS_CREDENTIAL_EXPIRATION says it) in epoch
# seconds, by the civil-calendar arithmetic, so that no prompt needs `date`.
_olenv_times() {
    local e=${AWS_CREDENTIAL_EXPIRATION-} now=$EPOCHSECONDS y m
    _olenv_active=1 _olenv_expires=0
    [[ $e == [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z ]] ||
        return 0
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
    emulate -L zsh
    _olenv_fetch
    if [[ $_olenv_ok == 1 ]]; then
        return 0
    elif ((EPOCHSECONDS >= _olenv_expires)); then
        _olenv_leave
    else
        _olenv_renew=$_olenv_expires
    fi
    return 0
}

zmodload zsh/datetime  # EPOCHSECONDS, without a process
# Loaded, the state starts afresh, unless it is this shell's own from an earlier load (a
# re-read ~/.zshrc). Whatever came in the environment is exported, so is someone else's:
# then none of it is kept, and nothing inherited is ever read as arithmetic or code.
() {
    emulate -L zsh
    local name reset=0
    for name in ${(k)parameters[(I)_olenv_*]}; do
        [[ ${parameters[$name]} != *export* ]] || reset=1
    done
    [[ ${_olenv_active-} == [01] && ${_olenv_expires-} == <-> && ${_olenv_renew-} == <-> ]] ||
        reset=1
    [[ ${parameters[OLENV_MINUTES_LEFT]-} != *export* ]] || reset=1
    if ((!reset)); then
        # Kept state from an older hook may lack what this one adds.
        typeset -g _olenv_found=${_olenv_found-} _olenv_gen=${_olenv_gen-} _olenv_ok=${_olenv_ok-0}
        return 0
    fi
    for name in ${(k)parameters[(I)_olenv_*]}; do
        [[ $name == (_olenv_bin|_olenv_stamp|_olenv_vars) ]] || unset $name
    done
    unset OLENV_MINUTES_LEFT
    typeset -g _olenv_pwd= _olenv_file= _olenv_found= _olenv_gen= _olenv_active=0
    typeset -g _olenv_expires=0 _olenv_renew=0 _olenv_ok=0
    typeset -ga _olenv_saved
    _olenv_saved=()
}
() {
    emulate -L zsh
    typeset -ga precmd_functions chpwd_functions
    # First, so that hooks after it (starship's, the user's) see the new values.
    ((${precmd_functions[(Ie)_olenv_hook]})) || precmd_functions=(_olenv_hook $precmd_functions)
    ((${chpwd_functions[(Ie)_olenv_hook]})) || chpwd_functions=(_olenv_hook $chpwd_functions)
}
