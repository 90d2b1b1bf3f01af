"""The docs agree with the one command table: every command `help` lists has a row in
docs/commands.md and an entry in the man page, and neither documents a command that is not."""
import os, re, subprocess, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import *

def table_commands():
    """The command names, as `help` prints them from the table."""
    out = subprocess.run([SOCKPLAY, "-c", "help"], stdout=subprocess.PIPE, env=env(), timeout=10).stdout.decode()
    names = re.findall(r"^  ([a-z]+)\b", out, re.M)
    if len(names) < 30:
        raise Fail("help listed only %r" % names)
    return set(names)

def markdown_commands():
    """The first word of each `…` in the rows of docs/commands.md's command table."""
    text = open(os.path.join(ROOT, "docs", "commands.md"), encoding="utf-8").read()
    section = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    names = set()
    for row in re.findall(r"^\| (.*?) \|", section, re.M):
        names.update(re.findall(r"`([a-z]+)\b", row))
    return names

def man_commands():
    """The bold words that start each entry of the man page's COMMANDS section."""
    text = open(os.path.join(ROOT, "docs", "sockplay.1"), encoding="utf-8").read()
    section = text.split(".SH COMMANDS", 1)[1].split("\n.SH ", 1)[0]
    names = set()
    for line in re.findall(r"^\.B (.*)$", section, re.M):
        names.update(re.findall(r"(?:^|\\fB)([a-z]+)\b", line))
    return names

@test
def commands_md_lists_every_command_of_the_table():
    table, md = table_commands(), markdown_commands()
    md.discard("as")
    if table - md or md - table:
        raise Fail("docs/commands.md lacks %s; documents commands that do not exist: %s" % (sorted(table - md), sorted(md - table)))

@test
def man_page_lists_every_command_of_the_table():
    table, man = table_commands(), man_commands()
    if table - man or man - table:
        raise Fail("docs/sockplay.1 lacks %s; documents commands that do not exist: %s" % (sorted(table - man), sorted(man - table)))

main()
