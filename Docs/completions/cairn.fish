function __cairn_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __cairn_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __cairn_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __cairn_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __cairn_parse_tokens -S
    set -l unparsed_tokens (__cairn_tokens -pc)
    switch $unparsed_tokens[1]
    case 'cairn'
        __cairn_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'status'
            __cairn_parse_subcommand 0 'socket=' 'timeout=' 'json' 'version' 'h/help'
        case 'record'
            __cairn_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'put'
                __cairn_parse_subcommand 0 'socket=' 'timeout=' 'id=' 'type=' 'class=' 'field=+' 'remove-field=+' 'tag=+' 'untag=+' 'from=' 'json' 'version' 'h/help'
            case 'get'
                __cairn_parse_subcommand 1 'socket=' 'timeout=' 'json' 'version' 'h/help'
            case 'list'
                __cairn_parse_subcommand 0 'socket=' 'timeout=' 'class=' 'type=' 'tag=' 'deleted=' 'json' 'version' 'h/help'
            case 'delete'
                __cairn_parse_subcommand 1 'socket=' 'timeout=' 'json' 'version' 'h/help'
            case 'history'
                __cairn_parse_subcommand 1 'socket=' 'timeout=' 'json' 'version' 'h/help'
            case 'reclassify'
                __cairn_parse_subcommand 1 'socket=' 'timeout=' 'class=' 'json' 'version' 'h/help'
            case 'retract'
                __cairn_parse_subcommand 1 'socket=' 'timeout=' 'reason=' 'json' 'version' 'h/help'
            end
        case 'agency'
            __cairn_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'keygen'
                __cairn_parse_subcommand 0 'name=' 'out=' 'passphrase-file=' 'version' 'h/help'
            end
        case 'charter'
            __cairn_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __cairn_parse_subcommand 0 'federation=' 'level=+' 'agency=+' 'threshold=' 'version=' 'previous=' 'passphrase-file=' 'out=' 'version' 'h/help'
            case 'sign'
                __cairn_parse_subcommand 1 'key=' 'passphrase-file=' 'version' 'h/help'
            case 'show'
                __cairn_parse_subcommand 1 'previous=+' 'json' 'version' 'h/help'
            case 'apply'
                __cairn_parse_subcommand 1 'json' 'socket=' 'timeout=' 'version' 'h/help'
            end
        case 'device'
            __cairn_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'certify'
                __cairn_parse_subcommand 0 'request=' 'key=' 'passphrase-file=' 'charter=+' 'clearance=' 'days=' 'out=' 'version' 'h/help'
            case 'list'
                __cairn_parse_subcommand 0 'json' 'socket=' 'timeout=' 'version' 'h/help'
            case 'revoke'
                __cairn_parse_subcommand 1 'key=' 'passphrase-file=' 'charter=+' 'certificate=' 'serial=' 'reason=' 'effective-at=' 'out=' 'offline' 'json' 'socket=' 'timeout=' 'version' 'h/help'
            case 'import-revocation'
                __cairn_parse_subcommand 1 'json' 'socket=' 'timeout=' 'version' 'h/help'
            end
        case 'peer'
            __cairn_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __cairn_parse_subcommand 0 'socket=' 'timeout=' 'json' 'version' 'h/help'
            case 'add'
                __cairn_parse_subcommand 2 'socket=' 'timeout=' 'json' 'version' 'h/help'
            case 'remove'
                __cairn_parse_subcommand 1 'socket=' 'timeout=' 'version' 'h/help'
            end
        case 'sync'
            __cairn_parse_subcommand 0 'socket=' 'timeout=' 'peer=' 'wait' 'wait-seconds=' 'json' 'version' 'h/help'
        case 'lab'
            __cairn_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __cairn_parse_subcommand 1 'agency=+' 'device=+' 'version' 'h/help'
            case 'up'
                __cairn_parse_subcommand -r 2 'wait=' 'version' 'h/help'
            case 'down'
                __cairn_parse_subcommand -r 2 'version' 'h/help'
            case 'env'
                __cairn_parse_subcommand 2 'version' 'h/help'
            case 'status'
                __cairn_parse_subcommand 1 'version' 'h/help'
            end
        case 'audit'
            __cairn_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __cairn_parse_subcommand 0 'socket=' 'timeout=' 'after=' 'limit=' 'json' 'version' 'h/help'
            case 'verify'
                __cairn_parse_subcommand 0 'socket=' 'timeout=' 'json' 'version' 'h/help'
            case 'export'
                __cairn_parse_subcommand 0 'socket=' 'timeout=' 'out=' 'version' 'h/help'
            case 'acknowledge'
                __cairn_parse_subcommand 0 'socket=' 'timeout=' 'break=' 'json' 'version' 'h/help'
            end
        case 'metrics'
            __cairn_parse_subcommand 0 'socket=' 'timeout=' 'version' 'h/help'
        case 'watch'
            __cairn_parse_subcommand 0 'socket=' 'timeout=' 'class=' 'json' 'version' 'h/help'
        case 'digest'
            __cairn_parse_subcommand 0 'socket=' 'timeout=' 'json' 'version' 'h/help'
        case 'keys'
            __cairn_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __cairn_parse_subcommand 0 'json' 'socket=' 'timeout=' 'version' 'h/help'
            end
        case 'bundle'
            __cairn_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'export'
                __cairn_parse_subcommand 0 'socket=' 'timeout=' 'for=' 'out=' 'since=' 'json' 'version' 'h/help'
            case 'import'
                __cairn_parse_subcommand 1 'socket=' 'timeout=' 'dry-run' 'json' 'version' 'h/help'
            case 'vector'
                __cairn_parse_subcommand 0 'socket=' 'timeout=' 'out=' 'version' 'h/help'
            end
        case 'help'
            __cairn_parse_subcommand -r 1 'version'
        end
    end
end

function __cairn_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __cairn_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __cairn_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __cairn_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__cairn_tokens -p)
    if test -z "$(__cairn_tokens -t)"
        set -l index (count (__cairn_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'cairn' -f
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'status' -d 'Show the daemon\'s identity, clearance, federation, levels and store.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'record' -d 'Create, read, list and delete records, and show their history.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'agency' -d 'Manage agency root keys (offline key ceremony).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'charter' -d 'Create, sign and inspect federation charters (offline key ceremony).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'device' -d 'Certify (offline key ceremony), list and revoke devices.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'peer' -d 'List, add and remove the sites this daemon syncs with.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'sync' -d 'Start a reconciliation round with connected peers now, and report what moved.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'lab' -d 'Build and run a local test federation of daemons on this machine.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'audit' -d 'Read, verify, export the site\'s hash-chained audit log, and acknowledge its breaks.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'metrics' -d 'Print the daemon\'s metrics (Prometheus text format).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'watch' -d 'Follow changes to records as they are committed, until interrupted.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'digest' -d 'Show a digest of the records held, per level and overall, to compare sites.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'keys' -d 'Show the epoch keys of each level and who holds them.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'bundle' -d 'Move deltas between sites that never connect, as signed, encrypted files.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn status" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn status" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn status" json' -l 'json' -d 'Print the API\'s JSON document (pretty, sorted keys).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn status" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn record" -eq 1' -fa 'put' -d 'Create a record, or change an existing one.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn record" -eq 1' -fa 'get' -d 'Show one record, its fields, tags and conflicts.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn record" -eq 1' -fa 'list' -d 'List records, optionally filtered by level, type, tag and deletion.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn record" -eq 1' -fa 'delete' -d 'Delete a record.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn record" -eq 1' -fa 'history' -d 'Show the signed changes that made a record, oldest first.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn record" -eq 1' -fa 'reclassify' -d 'Move a record to a higher or lower classification level.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn record" -eq 1' -fa 'retract' -d 'Retract a record: it is gone for every site.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put" id' -l 'id' -d 'The record id (default: the daemon generates one).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put" type' -l 'type' -d 'The record type, such as incident (required for a new record).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put" class' -l 'class' -d 'The classification level (required for a new record).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put"' -l 'field' -d 'Set a field: NAME=VALUE, NAME:=JSON or NAME=@FILE (repeatable).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put"' -l 'remove-field' -d 'Remove a field (repeatable).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put"' -l 'tag' -d 'Add a tag (repeatable).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put"' -l 'untag' -d 'Remove a tag (repeatable).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put" from' -l 'from' -d 'Read a record request from FILE, or - for standard input.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put" json' -l 'json' -d 'Print the record as it now is, as JSON, instead of its id.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record put" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record get" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record get" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record get" json' -l 'json' -d 'Print the API\'s JSON document (pretty, sorted keys).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record get" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record get" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record list" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record list" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record list" class' -l 'class' -d 'Only records of this classification level.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record list" type' -l 'type' -d 'Only records of this type.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record list" tag' -l 'tag' -d 'Only records with this tag.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record list" deleted' -l 'deleted' -d 'Include deleted records (include) or show only them (only).' -rfka 'include only'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record list" json' -l 'json' -d 'Print the API\'s JSON array (pretty, sorted keys).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record list" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record delete" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record delete" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record delete" json' -l 'json' -d 'Print the deleted record\'s JSON document.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record delete" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record history" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record history" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record history" json' -l 'json' -d 'Print the API\'s JSON array (pretty, sorted keys).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record history" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record history" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record reclassify" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record reclassify" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record reclassify" class' -l 'class' -d 'The new classification level.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record reclassify" json' -l 'json' -d 'Print the record\'s JSON document.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record reclassify" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record reclassify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record retract" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record retract" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record retract" reason' -l 'reason' -d 'Why the record is retracted (kept in the tombstone).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record retract" json' -l 'json' -d 'Print the result as JSON.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record retract" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn record retract" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn agency" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn agency" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn agency" -eq 1' -fa 'keygen' -d 'Generate an agency root key and print its public key.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn agency keygen" name' -l 'name' -d 'The agency\'s name, as the charter will list it.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn agency keygen" out' -l 'out' -d 'The key file to create.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn agency keygen" passphrase-file' -l 'passphrase-file' -d 'Seal the key with the passphrase in this file.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn agency keygen" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn agency keygen" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn charter" -eq 1' -fa 'create' -d 'Create an unsigned charter (a genesis, or the next version of one).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn charter" -eq 1' -fa 'sign' -d 'Add an agency\'s signature to a charter file, in place.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn charter" -eq 1' -fa 'show' -d 'Verify a charter and show its levels, agencies, threshold and signatures.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn charter" -eq 1' -fa 'apply' -d 'Give the local daemon an amended charter (the next version).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter create" federation' -l 'federation' -d 'The federation\'s name.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter create"' -l 'level' -d 'A classification level, lowest first (repeatable).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter create"' -l 'agency' -d 'A member agency: NAME:PUBKEYHEX_OR_KEYFILE:CEILING (repeatable).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter create" threshold' -l 'threshold' -d 'Agency signatures needed for this and the next version.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter create" version' -l 'version' -d 'The version (1 for a genesis; previous + 1 for an amendment).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter create" previous' -l 'previous' -d 'The current charter, for an amendment.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter create" passphrase-file' -l 'passphrase-file' -d 'Passphrase for sealed agency key files given as KEY.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter create" out' -l 'out' -d 'The charter file to create.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter create" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter sign" key' -l 'key' -d 'The agency root key file.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter sign" passphrase-file' -l 'passphrase-file' -d 'The key file\'s passphrase.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter sign" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter sign" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter show"' -l 'previous' -d 'An earlier version, genesis first (repeatable), to verify an amendment.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter show" json' -l 'json' -d 'Print the result as JSON (pretty, sorted keys).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter show" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter apply" json' -l 'json' -d 'Print the daemon\'s JSON answer.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter apply" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter apply" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter apply" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn charter apply" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn device" -eq 1' -fa 'certify' -d 'Issue a device certificate from a certification request.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn device" -eq 1' -fa 'list' -d 'List the devices the local daemon knows, with revocations.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn device" -eq 1' -fa 'revoke' -d 'Revoke a device: sign a revocation with its agency\'s root key.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn device" -eq 1' -fa 'import-revocation' -d 'Give the local daemon a revocation file made by `cairn device revoke`.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device certify" request' -l 'request' -d 'The device\'s certification request file.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device certify" key' -l 'key' -d 'The agency root key file.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device certify" passphrase-file' -l 'passphrase-file' -d 'The key file\'s passphrase.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device certify"' -l 'charter' -d 'The charter in force (repeat for its history, genesis first).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device certify" clearance' -l 'clearance' -d 'The clearance level to certify.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device certify" days' -l 'days' -d 'Days the certificate is valid.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device certify" out' -l 'out' -d 'The certificate file to create.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device certify" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device certify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device list" json' -l 'json' -d 'Print the API\'s JSON document.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device list" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device list" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device list" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" key' -l 'key' -d 'The agency root key file.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" passphrase-file' -l 'passphrase-file' -d 'The key file\'s passphrase.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke"' -l 'charter' -d 'The charter in force (repeat for its history, genesis first).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" certificate' -l 'certificate' -d 'The device\'s certificate, to read its serial from.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" serial' -l 'serial' -d 'The certificate serial (32 hex digits).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" reason' -l 'reason' -d 'Why, for the audit log (at most 1024 bytes).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" effective-at' -l 'effective-at' -d 'Unix seconds from which the device\'s deltas are refused (default: now).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" out' -l 'out' -d 'Also write the revocation to this file.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" offline' -l 'offline' -d 'Do not contact the daemon: only write --out.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" json' -l 'json' -d 'Print the daemon\'s JSON answer.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device revoke" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device import-revocation" json' -l 'json' -d 'Print the daemon\'s JSON answer.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device import-revocation" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device import-revocation" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device import-revocation" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn device import-revocation" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn peer" -eq 1' -fa 'list' -d 'Show every peer: connected or not, its device and clearance, what it lacks.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn peer" -eq 1' -fa 'add' -d 'Add a peer (kept across restarts) and dial it now.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn peer" -eq 1' -fa 'remove' -d 'Forget a peer added with `cairn peer add` and close its connection.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer list" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer list" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer list" json' -l 'json' -d 'Print the API\'s JSON document.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer list" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer add" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer add" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer add" json' -l 'json' -d 'Print the API\'s JSON document.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer add" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer add" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer remove" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer remove" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer remove" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn peer remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn sync" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn sync" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn sync" peer' -l 'peer' -d 'Only this peer (its name or agency/device).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn sync" wait' -l 'wait' -d 'Wait for the rounds to finish.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn sync" wait-seconds' -l 'wait-seconds' -d 'With --wait: give up after this many seconds (1 to 3600).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn sync" json' -l 'json' -d 'Print the API\'s JSON document.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn sync" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn sync" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn lab" -eq 1' -fa 'create' -d 'Create a local test federation: agency keys, a signed charter, certified devices.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn lab" -eq 1' -fa 'up' -d 'Start a lab\'s daemons in the background.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn lab" -eq 1' -fa 'down' -d 'Stop a lab\'s daemons.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn lab" -eq 1' -fa 'env' -d 'Print shell commands that point cairn at a lab device.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn lab" -eq 1' -fa 'status' -d 'Show which of a lab\'s daemons are running.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab create"' -l 'agency' -d 'An agency and its clearance ceiling (repeatable).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab create"' -l 'device' -d 'A device and its clearance (repeatable).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab create" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab up" wait' -l 'wait' -d 'Seconds to wait for each daemon to answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab up" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab up" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab down" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab down" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab env" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab env" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab status" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn lab status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn audit" -eq 1' -fa 'list' -d 'List audit entries, oldest first.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn audit" -eq 1' -fa 'verify' -d 'Check the audit log; exit 1 if an entry was edited, removed or reordered, or its tail was cut.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn audit" -eq 1' -fa 'export' -d 'Export every audit entry with the chain head signed by this device.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn audit" -eq 1' -fa 'acknowledge' -d 'Acknowledge a chain break of the audit log, after investigating it.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit list" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit list" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit list" after' -l 'after' -d 'Show entries after this sequence number.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit list" limit' -l 'limit' -d 'Show at most this many entries (1-10000).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit list" json' -l 'json' -d 'Print the API\'s JSON array (pretty, sorted keys).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit list" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit verify" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit verify" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit verify" json' -l 'json' -d 'Print the API\'s JSON result (pretty, sorted keys).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit verify" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit export" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit export" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit export" out' -l 'out' -d 'Write to this file (refuses an existing one) instead of standard output.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit export" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit acknowledge" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit acknowledge" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit acknowledge" break' -l 'break' -d 'The chain break entry\'s sequence number.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit acknowledge" json' -l 'json' -d 'Print the API\'s JSON result (pretty, sorted keys).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit acknowledge" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn audit acknowledge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn metrics" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn metrics" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn metrics" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn metrics" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn watch" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn watch" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn watch" class' -l 'class' -d 'Show only records of this classification level.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn watch" json' -l 'json' -d 'Print each event as one JSON line.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn watch" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn watch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn digest" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn digest" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn digest" json' -l 'json' -d 'Print the API\'s JSON document (pretty, sorted keys).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn digest" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn digest" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn keys" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn keys" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn keys" -eq 1' -fa 'list' -d 'List levels, epochs and which devices hold which key (as far as this site knows).'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn keys list" json' -l 'json' -d 'Print the API\'s JSON document.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn keys list" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn keys list" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn keys list" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn keys list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn bundle" -eq 1' -fa 'export' -d 'Write a bundle of what a device lacks, signed by this site and sealed for that device.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn bundle" -eq 1' -fa 'import' -d 'Check a bundle completely, then store what it carries.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_positional "cairn bundle" -eq 1' -fa 'vector' -d 'Write this site\'s signed vector file: what it holds, for a sender to export against.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle export" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle export" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle export" for' -l 'for' -d 'The recipient device.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle export" out' -l 'out' -d 'Write the bundle to this new file.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle export" since' -l 'since' -d 'A vector file the recipient exported: carry only what it lacks.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle export" json' -l 'json' -d 'Print the API\'s JSON document.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle export" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle import" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle import" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle import" dry-run' -l 'dry-run' -d 'Check everything and store nothing.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle import" json' -l 'json' -d 'Print the API\'s JSON document.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle import" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle vector" socket' -l 'socket' -d 'The daemon\'s control socket (default: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle vector" timeout' -l 'timeout' -d 'Seconds to wait for the daemon\'s answer.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle vector" out' -l 'out' -d 'Write the vector file to this new file.' -rfka ''
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle vector" version' -l 'version' -d 'Show the version.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn bundle vector" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairn' -n '__cairn_should_offer_completions_for_flags_or_options "cairn help" version' -l 'version' -d 'Show the version.'
