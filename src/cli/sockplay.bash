# bash completion for sockplay's command line: options, --lesson NAME, --exercise NAME,
# --lang zh|en, scripts,
# the program after --join --.
_sockplay()
{
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    case $prev in
    --lesson|--exercise)
        # The names are the first word of each indented line of `sockplay --lessons` (--exercises).
        COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "${prev}s" --lang en 2>/dev/null | awk '/^  [a-z]/ {print $1}')" -- "$cur"))
        return ;;
    --lang)
        COMPREPLY=($(compgen -W "en zh" -- "$cur"))
        return ;;
    -c)
        return ;;
    esac
    # After `--join --` the words are a program's (sockplay --join -- python3 client.py).
    local i
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == -- ]]; then
            if declare -F _command_offset >/dev/null; then _command_offset $((i + 1)); else compopt -o default 2>/dev/null; COMPREPLY=(); fi
            return
        fi
    done
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "-c --lessons --lesson --exercises --exercise --auto --answers --report --grade --csv --lab --join --wire --lang --help --version" -- "$cur"))
    else
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -X '!*.lua' -- "$cur") $(compgen -d -- "$cur"))
    fi
}
complete -F _sockplay sockplay
