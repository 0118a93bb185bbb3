# olenv's prompt hook for fish 3.5 or later: `olenv hook fish | source` in config.fish.
# (olenv hook prints _olenv_bin, _olenv_stamp and _olenv_vars, the managed variables, first.)
#
# In a tree whose .olenv was allowed, the shell holds that profile's credentials;
# leaving it puts back exactly what was there before. A prompt costs one string
# comparison and one read of a small file: only a new $PWD walks up for .olenv
# (builtins only), and only a different file, an allow or deny made anywhere, or
# credentials near expiry, runs olenv, which checks the trust.
# It runs at each prompt and at each cd, so `cd app; and terraform plan` works.
#
# Every function returns 0, whatever olenv said (not allowed, sign-in refused, OneLogin
# down, Ctrl-C at the password, olenv gone), and olenv's own line says what went wrong.
#
# State, in unexported global variables:
#   _olenv_pwd          the directory last looked at
#   _olenv_file         the .olenv that applies ("" none), whether or not it worked
#   _olenv_gen          the stamp as last read: olenv rewrites it at every allow or deny
#   _olenv_active       1 while olenv's values are set
#   _olenv_saved        "x" (exported) or "-" and the name of each global set before;
#   _olenv_old_NAME     its value then (the user's own, kept in this shell only)
#   _olenv_expires      the credentials' expiry and _olenv_renew the next renewal, in epoch
#                       seconds; _olenv_next the next time a prompt has anything to do, in
#                       seconds after _olenv_base, the time / was last modified
#   _olenv_ok           1 when the last run of olenv gave credentials
#   OLENV_MINUTES_LEFT  for the prompt

function _olenv_hook --on-event fish_prompt --on-variable PWD
    # An allow or deny since the last look, in any terminal: look again. A builtin read.
    set -l gen ''
    test -f $_olenv_stamp; and read gen <$_olenv_stamp
    if test "$gen" != "$_olenv_gen"
        set -g _olenv_gen $gen
        _olenv_recheck
    end
    if test "$PWD" != "$_olenv_pwd"
        set -g _olenv_pwd $PWD
        _olenv_find
        test "$_olenv_found" = "$_olenv_file"; or _olenv_enter
    end
    # Credentials held: at the next renewal or minute boundary, renew or count down.
    if test $_olenv_expires != 0
        set -l now (path mtime /; path mtime --relative /)
        if test "$now[1]" != "$_olenv_base" -o $now[2] -ge $_olenv_next
            _olenv_tick (math $now[1] + $now[2])
        end
    end
    return 0
end

# An allow or deny was made somewhere: only if it changed the standing of the .olenv here
# (held but no longer trusted, or trusted but not held) does the hook look again, and
# olenv then says what changed. Other trees' allows cost this shell nothing more.
function _olenv_recheck
    contains -- "$_olenv_file" '' .; and return 0
    command -q $_olenv_bin; or return 0
    set -l trusted 0
    command $_olenv_bin hook --check=$_olenv_file; and set trusted 1
    if test $trusted != $_olenv_active
        set -g _olenv_pwd ''
        set -g _olenv_file .
    end
    return 0
end

# The nearest .olenv at or above $PWD, into _olenv_found: the ancestors built from one split.
function _olenv_find
    set -g _olenv_found ''
    set -l dir ''
    set -l dirs ''
    for part in (string split -n / -- $PWD)
        set dir "$dir/$part"
        set -p dirs $dir
    end
    for dir in $dirs
        if test -f "$dir/.olenv"
            set -g _olenv_found "$dir/.olenv"
            return 0
        end
    end
    return 0
end

function _olenv_enter
    _olenv_leave
    # Recorded first: a failed or interrupted sign-in is not retried at every prompt.
    set -g _olenv_file $_olenv_found
    test -z "$_olenv_file"; or _olenv_fetch
    return 0
end

# Runs olenv for _olenv_file and applies its code; _olenv_ok says whether it did. olenv
# itself prints why when it gives nothing.
function _olenv_fetch
    set -g _olenv_ok 0
    if not command -q $_olenv_bin
        printf 'olenv: the prompt hook cannot run %s: not found (reinstall olenv, or take %s out of config.fish)\n' \
            $_olenv_bin 'olenv hook fish | source' >&2
        return 0
    end
    # Each statement olenv prints is one line: the lines joined again are its code.
    set -l code (_olenv_run); or return 0
    test $_olenv_active = 1; or _olenv_save
    string join \n -- $code | source
    _olenv_times
    set -g _olenv_ok 1
    return 0
end

# olenv for _olenv_file, seeing the variables as they were before olenv's: function-scoped
# ones shadow the globals for the child (fish runs (...) in this process, not a subshell).
function _olenv_run
    if test $_olenv_active = 1
        for name in $_olenv_vars
            set -f $name
        end
        for entry in $_olenv_saved
            set -l name (string sub -s 2 -- $entry)
            set -l old _olenv_old_$name
            if string match -q 'x*' -- $entry
                set -fx $name $$old
            end
        end
    end
    command $_olenv_bin export --shell fish --min-ttl 900 --olenv-file $_olenv_file
end

function _olenv_save
    set -g _olenv_saved
    for name in $_olenv_vars
        # Only globals: olenv's `set -gx` shadows a universal one, which its `set -eg` uncovers.
        set -qg $name; or continue
        if set -qgx $name
            set -ga _olenv_saved x$name
        else
            set -ga _olenv_saved -$name
        end
        set -g _olenv_old_$name $$name
    end
    return 0
end

function _olenv_leave
    test $_olenv_active = 1; or return 0
    for name in $_olenv_vars
        set -qg $name; and set -eg $name
    end
    for entry in $_olenv_saved
        set -l name (string sub -s 2 -- $entry)
        set -l old _olenv_old_$name
        if string match -q 'x*' -- $entry
            set -gx $name $$old
        else
            set -g $name $$old
        end
        set -eg $old
    end
    set -g _olenv_saved
    set -g _olenv_active 0
    set -g _olenv_expires 0
    set -qg OLENV_MINUTES_LEFT; and set -eg OLENV_MINUTES_LEFT
    return 0
end

# Now, in epoch seconds, without a process: fish has no clock variable, but `path mtime`
# gives a file's time and its age.
function _olenv_now
    math (path mtime /) + (path mtime --relative /)
end

# After new credentials: their expiry (UTC, as AWS_CREDENTIAL_EXPIRATION says it) in epoch
# seconds, by the civil-calendar arithmetic.
function _olenv_times
    set -g _olenv_active 1
    set -g _olenv_expires 0
    set -l t (string match -r '^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z$' -- "$AWS_CREDENTIAL_EXPIRATION")
    or return 0
    set -l y $t[2]
    set -l m (math $t[3] + 9)
    if test $m -gt 12
        set m (math $m - 12)
    else
        set y (math $y - 1)
    end
    set -g _olenv_expires (math "(floor($y / 400) * 146097 + $y % 400 * 365 + floor($y % 400 / 4)" \
        "- floor($y % 400 / 100) + floor((153 * $m + 2) / 5) + $t[4] - 1 - 719468) * 86400" \
        "+ $t[5] * 3600 + $t[6] * 60 + $t[7]")
    set -l now (_olenv_now)
    set -g _olenv_renew (math "max($_olenv_expires - 600, $now + 60)")
    _olenv_tick $now
    return 0
end

# The minutes left, and the next time a prompt has anything to do: a renewal, or the
# minutes left dropping by one.
function _olenv_tick -a now
    if test $now -ge $_olenv_renew
        _olenv_renewal $now
        test $_olenv_expires != 0; or return 0
    end
    set -g OLENV_MINUTES_LEFT (math "floor(max(0, $_olenv_expires - $now) / 60)")
    # As an age of / (what a prompt reads in one go), which holds while / is not modified.
    set -g _olenv_base (path mtime /)
    set -g _olenv_next (math "min($_olenv_renew, $_olenv_expires - 60 * $OLENV_MINUTES_LEFT + 1)" \
        - $_olenv_base)
    return 0
end

# Near expiry: new credentials (the agent's, or a sign-in), else the old ones until they end.
function _olenv_renewal -a now
    _olenv_fetch
    if test $_olenv_ok = 1
        return 0
    else if test $now -ge $_olenv_expires
        _olenv_leave
    else
        set -g _olenv_renew $_olenv_expires
    end
    return 0
end

# Loaded, the state starts afresh, unless it is this shell's own from an earlier load (a
# re-read config.fish). Whatever came in the environment is exported, so is someone
# else's (and a universal one is not this shell's): then none of it is kept, and nothing
# inherited is ever read as a number or code.
function _olenv_load
    set -l reset 0
    for name in (set --names | string match '_olenv_*') OLENV_MINUTES_LEFT
        set -q $name; or continue
        if set -qx $name; or not set -qg $name
            set reset 1
        end
    end
    string match -qr '^[01]$' -- "$_olenv_active"; or set reset 1
    for name in _olenv_expires _olenv_renew _olenv_next _olenv_base
        string match -qr '^[0-9]+$' -- "$$name"; or set reset 1
    end
    if test $reset = 0
        # Kept state from an older hook may lack what this one adds.
        set -q _olenv_found; or set -g _olenv_found ''
        set -q _olenv_gen; or set -g _olenv_gen ''
        set -q _olenv_ok; or set -g _olenv_ok 0
        return 0
    end
    for name in (set --names | string match '_olenv_*')
        contains -- $name _olenv_bin _olenv_stamp _olenv_vars; or set -eg $name
    end
    set -qg OLENV_MINUTES_LEFT; and set -eg OLENV_MINUTES_LEFT
    # Globals, which shadow any universal variable of the same name.
    for name in _olenv_pwd _olenv_file _olenv_found _olenv_gen
        set -g $name ''
    end
    for name in _olenv_active _olenv_expires _olenv_renew _olenv_next _olenv_base _olenv_ok
        set -g $name 0
    end
    set -g _olenv_saved
    return 0
end
_olenv_load
functions -e _olenv_load
if string match -qr '^3\.[0-4]\.' -- $version
    echo "olenv: the prompt hook needs fish 3.5 or later, not $version" >&2
    functions -e _olenv_hook
end
