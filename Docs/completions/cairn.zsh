#compdef cairn

__cairn_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__cairn_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __cairn_complete "${completions[@]:0:-1}"
    fi
}

__cairn_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_cairn() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'status:Show the daemon'\''s identity, clearance, federation, levels and store.'
            'record:Create, read, list and delete records, and show their history.'
            'agency:Manage agency root keys (offline key ceremony).'
            'charter:Create, sign and inspect federation charters (offline key ceremony).'
            'device:Certify (offline key ceremony), list and revoke devices.'
            'peer:List, add and remove the sites this daemon syncs with.'
            'sync:Start a reconciliation round with connected peers now, and report what moved.'
            'lab:Build and run a local test federation of daemons on this machine.'
            'audit:Read, verify, export the site'\''s hash-chained audit log, and acknowledge its breaks.'
            'metrics:Print the daemon'\''s metrics (Prometheus text format).'
            'watch:Follow changes to records as they are committed, until interrupted.'
            'digest:Show a digest of the records held, per level and overall, to compare sites.'
            'keys:Show the epoch keys of each level and who holds them.'
            'bundle:Move deltas between sites that never connect, as signed, encrypted files.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        status|record|agency|charter|device|peer|sync|lab|audit|metrics|watch|digest|keys|bundle|help)
            "_cairn_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_cairn_status() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--wide[Show every column and every cell whole, however wide the table gets.]'
        '--json[Print the API'\''s JSON document (pretty, sorted keys).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_record() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'put:Create a record, or change an existing one.'
            'get:Show one record, its fields, tags and conflicts.'
            'list:List records, optionally filtered by level, type, tag and deletion.'
            'delete:Delete a record.'
            'history:Show the signed changes that made a record, oldest first.'
            'reclassify:Move a record to a higher or lower classification level.'
            'retract:Retract a record: it is gone for every site.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        put|get|list|delete|history|reclassify|retract)
            "_cairn_record_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_cairn_record_put() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--id[The record id (default\: the daemon generates one).]:id:'
        '--type[The record type, such as incident (required for a new record).]:type:'
        '--class[The classification level (required for a new record).]:level:'
        '*--field[Set a field\: NAME=VALUE, NAME\:=JSON or NAME=@FILE (repeatable).]:name=value:'
        '*--remove-field[Remove a field (repeatable).]:name:'
        '*--tag[Add a tag (repeatable).]:tag:'
        '*--untag[Remove a tag (repeatable).]:tag:'
        '--from[Read a record request from FILE, or - for standard input.]:file:'
        '--json[Print the record as it now is, as JSON, instead of its id.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_record_get() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        ':id:'
        '--class[Which record, when this site holds the id at several levels (records are named by id and level).]:level:'
        '--json[Print the API'\''s JSON document (pretty, sorted keys).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_record_list() {
    local -i ret=1
    local -ar ___deleted=('include' 'only')
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--class[Only records of this classification level.]:level:'
        '--type[Only records of this type.]:type:'
        '--tag[Only records with this tag.]:tag:'
        '--deleted[Include deleted records (include) or show only them (only).]:include|only:{__cairn_complete "${___deleted[@]}"}'
        '--conflicts[Only records with unresolved conflicts.]'
        '--wide[Show every column and every cell whole, however wide the table gets.]'
        '--json[Print the API'\''s JSON array (pretty, sorted keys).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_record_delete() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        ':id:'
        '--class[Which record, when this site holds the id at several levels (records are named by id and level).]:level:'
        '--json[Print the deleted record'\''s JSON document.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_record_history() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        ':id:'
        '--class[Which record, when this site holds the id at several levels (records are named by id and level).]:level:'
        '--json[Print the API'\''s JSON array (pretty, sorted keys).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_record_reclassify() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        ':id:'
        '--class[The new classification level.]:level:'
        '--from[The level of the record to move, when this site holds the id at several levels.]:level:'
        '--json[Print the record'\''s JSON document.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_record_retract() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        ':id:'
        '--class[Which record, when this site holds the id at several levels (records are named by id and level).]:level:'
        '--reason[Why the record is retracted (kept in the tombstone).]:text:'
        '--json[Print the result as JSON.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_agency() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'keygen:Generate an agency root key and print its public key.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        keygen)
            "_cairn_agency_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_cairn_agency_keygen() {
    local -i ret=1
    local -ar arg_specs=(
        '--name[The agency'\''s name, as the charter will list it.]:name:'
        '--out[The key file to create.]:file:'
        '--passphrase-file[Seal the key with the passphrase in this file; - reads standard input (on a terminal, a prompt that asks twice).]:file:'
        '--passphrase-fd[Seal the key with the passphrase read from this open file descriptor.]:n:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_charter() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'create:Create an unsigned charter (a genesis, or the next version of one).'
            'sign:Add an agency'\''s signature to a charter file, in place or to a copy.'
            'merge:Combine the signatures of copies of one charter draft, signed in parallel, into one file.'
            'show:Verify a charter and show its levels, agencies, threshold and signatures.'
            'apply:Give the local daemon an amended charter (the next version).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        create|sign|merge|show|apply)
            "_cairn_charter_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_cairn_charter_create() {
    local -i ret=1
    local -ar arg_specs=(
        '--federation[The federation'\''s name.]:name:'
        '*--level[A classification level, lowest first (repeatable).]:level:'
        '*--agency[A member agency\: NAME\:PUBKEYHEX_OR_KEYFILE\:CEILING (repeatable).]:agency:'
        '--threshold[Agency signatures needed for this and the next version.]:k:'
        '--charter-version[The charter'\''s version (1 for a genesis; previous + 1 for an amendment).]:n:'
        '--previous[The current charter, for an amendment.]:file:'
        '--passphrase-file[Passphrase for sealed agency key files given as KEY; - reads standard input.]:file:'
        '--passphrase-fd[Passphrase for sealed agency key files, from this open file descriptor.]:n:'
        '--out[The charter file to create.]:file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_charter_sign() {
    local -i ret=1
    local -ar arg_specs=(
        ':file:'
        '--out[Write the signed copy here (a new file) instead of rewriting FILE.]:file:'
        '--key[The agency root key file.]:file:'
        '--passphrase-file[The key file'\''s passphrase, from this file; - reads standard input (a prompt on a terminal).]:file:'
        '--passphrase-fd[The key file'\''s passphrase, from this open file descriptor.]:n:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_charter_merge() {
    local -i ret=1
    local -ar arg_specs=(
        '*:file:'
        '--out[The merged charter file to create.]:file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_charter_show() {
    local -i ret=1
    local -ar arg_specs=(
        ':file:'
        '*--previous[An earlier version, genesis first (repeatable), to verify an amendment.]:file:'
        '--json[Print the result as JSON (pretty, sorted keys).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_charter_apply() {
    local -i ret=1
    local -ar arg_specs=(
        ':file:'
        '--json[Print the daemon'\''s JSON answer.]'
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_device() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'certify:Issue a device certificate from a certification request.'
            'list:List the devices the local daemon knows, with revocations.'
            'revoke:Revoke a device: sign a revocation with its agency'\''s root key.'
            'import-revocation:Give the local daemon a revocation file made by `cairn device revoke`.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        certify|list|revoke|import-revocation)
            "_cairn_device_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_cairn_device_certify() {
    local -i ret=1
    local -ar arg_specs=(
        '--request[The device'\''s certification request file.]:file:'
        '--key[The agency root key file.]:file:'
        '--passphrase-file[The key file'\''s passphrase, from this file; - reads standard input (a prompt on a terminal).]:file:'
        '--passphrase-fd[The key file'\''s passphrase, from this open file descriptor.]:n:'
        '*--charter[The charter in force (repeat for its history, genesis first).]:file:'
        '--clearance[The clearance level to certify.]:level:'
        '--days[Days the certificate is valid.]:n:'
        '--out[The certificate file to create.]:file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_device_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--json[Print the API'\''s JSON document.]'
        '--wide[Show every column and every cell whole, however wide the table gets.]'
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_device_revoke() {
    local -i ret=1
    local -ar arg_specs=(
        ':agency/name:'
        '--key[The agency root key file.]:file:'
        '--passphrase-file[The key file'\''s passphrase, from this file; - reads standard input (a prompt on a terminal).]:file:'
        '--passphrase-fd[The key file'\''s passphrase, from this open file descriptor.]:n:'
        '*--charter[The charter in force (repeat for its history, genesis first).]:file:'
        '--certificate[The device'\''s certificate, to read its serial from.]:file:'
        '--serial[The certificate serial (32 hex digits).]:hex:'
        '--reason[Why, for the audit log (at most 1024 bytes).]:text:'
        '--effective-at[Unix seconds from which the device'\''s deltas are refused (default\: now).]:seconds:'
        '--out[Also write the revocation to this file.]:file:'
        '--offline[Do not contact the daemon\: only write --out.]'
        '--json[Print the daemon'\''s JSON answer.]'
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_device_import-revocation() {
    local -i ret=1
    local -ar arg_specs=(
        ':file:'
        '--json[Print the daemon'\''s JSON answer.]'
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_peer() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:Show every peer: connected or not, its device and clearance, what it lacks.'
            'add:Add a peer (kept across restarts) and dial it now.'
            'remove:Forget a peer added with `cairn peer add` and close its connection.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|add|remove)
            "_cairn_peer_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_cairn_peer_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--wide[Show every column and every cell whole, however wide the table gets.]'
        '--json[Print the API'\''s JSON document.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_peer_add() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        ':name:'
        ':host\:port:'
        '--json[Print the API'\''s JSON document.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_peer_remove() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        ':name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_sync() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--peer[Only this peer (its name or agency/device).]:name:'
        '--wait[Wait for the rounds to finish.]'
        '--wait-seconds[With --wait\: give up after this many seconds (1 to 3600).]:seconds:'
        '--wide[Show every column and every cell whole, however wide the table gets.]'
        '--json[Print the API'\''s JSON document.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_lab() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'create:Create a local test federation: agency keys, a signed charter, certified devices.'
            'up:Start a lab'\''s daemons in the background.'
            'down:Stop a lab'\''s daemons.'
            'env:Print shell commands that point cairn at a lab device.'
            'status:Show which of a lab'\''s daemons are running.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        create|up|down|env|status)
            "_cairn_lab_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_cairn_lab_create() {
    local -i ret=1
    local -ar arg_specs=(
        ':dir:'
        '*--agency[An agency and its clearance ceiling (repeatable).]:name\:ceiling:'
        '*--device[A device and its clearance (repeatable).]:agency/name\[\:clearance\]:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_lab_up() {
    local -i ret=1
    local -ar arg_specs=(
        ':dir:'
        '*:agency/name:'
        '--wait[Seconds to wait for each daemon to answer.]:seconds:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_lab_down() {
    local -i ret=1
    local -ar arg_specs=(
        ':dir:'
        '*:agency/name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_lab_env() {
    local -i ret=1
    local -ar arg_specs=(
        ':dir:'
        ':agency/name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_lab_status() {
    local -i ret=1
    local -ar arg_specs=(
        ':dir:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_audit() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:List audit entries, oldest first.'
            'verify:Check the audit log; exit 1 if an entry was edited, removed or reordered, or its tail was cut.'
            'export:Export every audit entry with the chain head signed by this device.'
            'acknowledge:Acknowledge a chain break of the audit log, after investigating it.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|verify|export|acknowledge)
            "_cairn_audit_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_cairn_audit_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--after[Show entries after this sequence number.]:after:'
        '--limit[Show at most this many entries (1-10000).]:limit:'
        '--wide[Show every column and every cell whole, however wide the table gets.]'
        '--json[Print the API'\''s JSON array (pretty, sorted keys).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_audit_verify() {
    local -i ret=1
    local -ar arg_specs=(
        ':file:'
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--json[Print the API'\''s JSON result (pretty, sorted keys).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_audit_export() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--out[Write to this file (refuses an existing one) instead of standard output.]:file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_audit_acknowledge() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--break[The chain break entry'\''s sequence number.]:seq:'
        '--json[Print the API'\''s JSON result (pretty, sorted keys).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_metrics() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_watch() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--class[Show only records of this classification level (the daemon filters).]:level:'
        '--json[Print each event as one JSON line.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_digest() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--json[Print the API'\''s JSON document (pretty, sorted keys).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_keys() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:List levels, epochs and which devices hold which key (as far as this site knows).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list)
            "_cairn_keys_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_cairn_keys_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--json[Print the API'\''s JSON document.]'
        '--wide[Show every column and every cell whole, however wide the table gets.]'
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_bundle() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'export:Write a bundle of what a device lacks, signed by this site and sealed for that device.'
            'import:Check a bundle completely, then store what it carries.'
            'vector:Write this site'\''s signed vector file: what it holds, for a sender to export against.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        export|import|vector)
            "_cairn_bundle_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_cairn_bundle_export() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--for[The recipient device.]:agency/name:'
        '--out[Write the bundle to this new file.]:file:'
        '--since[A vector file the recipient exported\: carry only what it lacks.]:vector-file:'
        '--json[Print the API'\''s JSON document.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_bundle_import() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        ':file:'
        '--dry-run[Check everything and store nothing.]'
        '--json[Print the API'\''s JSON document.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_bundle_vector() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $CAIRN_SOCKET, else /run/cairn/cairnd.sock).]:path:'
        '--timeout[Seconds to wait for the daemon'\''s answer.]:seconds:'
        '--out[Write the vector file to this new file.]:file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_cairn_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _cairn ]]; then
    _cairn "${@}"
else
    compdef _cairn cairn
fi
