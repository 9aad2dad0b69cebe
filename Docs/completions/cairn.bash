#!/bin/bash

__cairn_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__cairn_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__cairn_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__cairn_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_cairn() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __cairn_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    status|record|agency|charter|device|peer|sync|lab|audit|metrics|watch|digest|keys|bundle|help)
        # Offer subcommand argument completions
        "_cairn_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'status record agency charter device peer sync lab audit metrics watch digest keys bundle help' -- "${cur}"))
        ;;
    esac
}

_cairn_status() {
    repeating_flags=()
    non_repeating_flags=(--wide --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_record() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    put|get|list|delete|history|reclassify|retract)
        # Offer subcommand argument completions
        "_cairn_record_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'put get list delete history reclassify retract' -- "${cur}"))
        ;;
    esac
}

_cairn_record_put() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(--field --remove-field --tag --untag)
    non_repeating_options=(--socket --timeout --id --type --class --from)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--id')
        return
        ;;
    '--type')
        return
        ;;
    '--class')
        return
        ;;
    '--field')
        return
        ;;
    '--remove-field')
        return
        ;;
    '--tag')
        return
        ;;
    '--untag')
        return
        ;;
    '--from')
        return
        ;;
    esac
}

_cairn_record_get() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --class)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--class')
        return
        ;;
    esac
}

_cairn_record_list() {
    repeating_flags=()
    non_repeating_flags=(--conflicts --wide --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --class --type --tag --deleted)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--class')
        return
        ;;
    '--type')
        return
        ;;
    '--tag')
        return
        ;;
    '--deleted')
        __cairn_add_completions -W 'include'$'\n''only'
        return
        ;;
    esac
}

_cairn_record_delete() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --class)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--class')
        return
        ;;
    esac
}

_cairn_record_history() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --class)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--class')
        return
        ;;
    esac
}

_cairn_record_reclassify() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --class --from)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--class')
        return
        ;;
    '--from')
        return
        ;;
    esac
}

_cairn_record_retract() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --class --reason)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--class')
        return
        ;;
    '--reason')
        return
        ;;
    esac
}

_cairn_agency() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    keygen)
        # Offer subcommand argument completions
        "_cairn_agency_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'keygen' -- "${cur}"))
        ;;
    esac
}

_cairn_agency_keygen() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--name --out --passphrase-file --passphrase-fd)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--name')
        return
        ;;
    '--out')
        return
        ;;
    '--passphrase-file')
        return
        ;;
    '--passphrase-fd')
        return
        ;;
    esac
}

_cairn_charter() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|sign|merge|show|apply)
        # Offer subcommand argument completions
        "_cairn_charter_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create sign merge show apply' -- "${cur}"))
        ;;
    esac
}

_cairn_charter_create() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--level --agency)
    non_repeating_options=(--federation --threshold --charter-version --previous --passphrase-file --passphrase-fd --out)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--federation')
        return
        ;;
    '--level')
        return
        ;;
    '--agency')
        return
        ;;
    '--threshold')
        return
        ;;
    '--charter-version')
        return
        ;;
    '--previous')
        return
        ;;
    '--passphrase-file')
        return
        ;;
    '--passphrase-fd')
        return
        ;;
    '--out')
        return
        ;;
    esac
}

_cairn_charter_sign() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--out --key --passphrase-file --passphrase-fd)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--out')
        return
        ;;
    '--key')
        return
        ;;
    '--passphrase-file')
        return
        ;;
    '--passphrase-fd')
        return
        ;;
    esac
}

_cairn_charter_merge() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--out)
    __cairn_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--out')
        return
        ;;
    esac
}

_cairn_charter_show() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=(--previous)
    non_repeating_options=()
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--previous')
        return
        ;;
    esac
}

_cairn_charter_apply() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_device() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    certify|list|revoke|import-revocation)
        # Offer subcommand argument completions
        "_cairn_device_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'certify list revoke import-revocation' -- "${cur}"))
        ;;
    esac
}

_cairn_device_certify() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--charter)
    non_repeating_options=(--request --key --passphrase-file --passphrase-fd --clearance --days --out)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--request')
        return
        ;;
    '--key')
        return
        ;;
    '--passphrase-file')
        return
        ;;
    '--passphrase-fd')
        return
        ;;
    '--charter')
        return
        ;;
    '--clearance')
        return
        ;;
    '--days')
        return
        ;;
    '--out')
        return
        ;;
    esac
}

_cairn_device_list() {
    repeating_flags=()
    non_repeating_flags=(--json --wide --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_device_revoke() {
    repeating_flags=()
    non_repeating_flags=(--offline --json --version -h --help)
    repeating_options=(--charter)
    non_repeating_options=(--key --passphrase-file --passphrase-fd --certificate --serial --reason --effective-at --out --socket --timeout)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--key')
        return
        ;;
    '--passphrase-file')
        return
        ;;
    '--passphrase-fd')
        return
        ;;
    '--charter')
        return
        ;;
    '--certificate')
        return
        ;;
    '--serial')
        return
        ;;
    '--reason')
        return
        ;;
    '--effective-at')
        return
        ;;
    '--out')
        return
        ;;
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_device_import-revocation() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_peer() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|add|remove)
        # Offer subcommand argument completions
        "_cairn_peer_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list add remove' -- "${cur}"))
        ;;
    esac
}

_cairn_peer_list() {
    repeating_flags=()
    non_repeating_flags=(--wide --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_peer_add() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_peer_remove() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_sync() {
    repeating_flags=()
    non_repeating_flags=(--wait --wide --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --peer --wait-seconds)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--peer')
        return
        ;;
    '--wait-seconds')
        return
        ;;
    esac
}

_cairn_lab() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|up|down|env|status)
        # Offer subcommand argument completions
        "_cairn_lab_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create up down env status' -- "${cur}"))
        ;;
    esac
}

_cairn_lab_create() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--agency --device)
    non_repeating_options=()
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--agency')
        return
        ;;
    '--device')
        return
        ;;
    esac
}

_cairn_lab_up() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--wait)
    __cairn_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--wait')
        return
        ;;
    esac
}

_cairn_lab_down() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options -1
}

_cairn_lab_env() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options 2
}

_cairn_lab_status() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options 1
}

_cairn_audit() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|verify|export|acknowledge)
        # Offer subcommand argument completions
        "_cairn_audit_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list verify export acknowledge' -- "${cur}"))
        ;;
    esac
}

_cairn_audit_list() {
    repeating_flags=()
    non_repeating_flags=(--wide --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --after --limit)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--after')
        return
        ;;
    '--limit')
        return
        ;;
    esac
}

_cairn_audit_verify() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_audit_export() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --out)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--out')
        return
        ;;
    esac
}

_cairn_audit_acknowledge() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --break)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--break')
        return
        ;;
    esac
}

_cairn_metrics() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_watch() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --class)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--class')
        return
        ;;
    esac
}

_cairn_digest() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_keys() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list)
        # Offer subcommand argument completions
        "_cairn_keys_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list' -- "${cur}"))
        ;;
    esac
}

_cairn_keys_list() {
    repeating_flags=()
    non_repeating_flags=(--json --wide --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_bundle() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    export|import|vector)
        # Offer subcommand argument completions
        "_cairn_bundle_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'export import vector' -- "${cur}"))
        ;;
    esac
}

_cairn_bundle_export() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --for --out --since)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--for')
        return
        ;;
    '--out')
        return
        ;;
    '--since')
        return
        ;;
    esac
}

_cairn_bundle_import() {
    repeating_flags=()
    non_repeating_flags=(--dry-run --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout)
    __cairn_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_cairn_bundle_vector() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--socket --timeout --out)
    __cairn_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--socket')
        return
        ;;
    '--timeout')
        return
        ;;
    '--out')
        return
        ;;
    esac
}

_cairn_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __cairn_offer_flags_options -1
}

complete -o filenames -F _cairn cairn
