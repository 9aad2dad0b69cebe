function __cairnd_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __cairnd_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __cairnd_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __cairnd_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __cairnd_parse_tokens -S
    set -l unparsed_tokens (__cairnd_tokens -pc)
    switch $unparsed_tokens[1]
    case 'cairnd'
        __cairnd_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'serve'
            __cairnd_parse_subcommand 0 'config=' 'check-config=' 'version' 'h/help'
        case 'init'
            __cairnd_parse_subcommand 0 'agency=' 'device=' 'out=' 'passphrase-file=' 'passphrase-fd=' 'version' 'h/help'
        case 'help'
            __cairnd_parse_subcommand -r 1 'version'
        end
    end
end

function __cairnd_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __cairnd_parse_subcommand -S -a positional_count
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

function __cairnd_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __cairnd_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__cairnd_tokens -p)
    if test -z "$(__cairnd_tokens -t)"
        set -l index (count (__cairnd_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'cairnd' -f
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd" version' -l 'version' -d 'Show the version.'
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_positional "cairnd" -eq 1' -fa 'serve' -d 'Run the site described by a configuration file (the default command).'
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_positional "cairnd" -eq 1' -fa 'init' -d 'Create this device\'s keys and a certification request for its agency.'
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_positional "cairnd" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd serve" config' -l 'config' -d 'The configuration file.' -rfka ''
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd serve" check-config' -l 'check-config' -d 'Check this configuration file, print every problem, and exit.' -rfka ''
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd serve" version' -l 'version' -d 'Show the version.'
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd init" agency' -l 'agency' -d 'The agency this device belongs to.' -rfka ''
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd init" device' -l 'device' -d 'This device\'s name within its agency ([a-z0-9-], at most 32).' -rfka ''
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd init" out' -l 'out' -d 'Directory to write device.keys and device.request into (created 0700 if missing).' -rfka ''
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd init" passphrase-file' -l 'passphrase-file' -d 'Seal device.keys with the passphrase in this file (Argon2id); - reads standard input (on a terminal, a prompt that asks twice).' -rfka ''
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd init" passphrase-fd' -l 'passphrase-fd' -d 'Seal device.keys with the passphrase read from this open file descriptor.' -rfka ''
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd init" version' -l 'version' -d 'Show the version.'
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'cairnd' -n '__cairnd_should_offer_completions_for_flags_or_options "cairnd help" version' -l 'version' -d 'Show the version.'
