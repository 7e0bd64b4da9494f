#!/bin/sh
# A test's recorder in front of a real tool (filled in by New-CallRecorder and StandInCluster): each call
# leaves <start-ns>-<pid>.args (the tool's name and its arguments, NUL separated) and, once it ended, .end
# (exit code and end time). TERM, INT and HUP are passed on, so a stopped call stops the tool.
id="@CALLS@/$(date +%s%N)-$$"
printf '%s\0' '@NAME@' "$@" > "$id.args"
exec 3<&0
'@TOOL@' "$@" <&3 3<&- &
child=$!
trap 'kill -TERM $child 2>/dev/null' TERM INT HUP
wait $child; rc=$?
while kill -0 $child 2>/dev/null; do wait $child; rc=$?; done
printf '%s %s' "$rc" "$(date +%s%N)" > "$id.end"
exit $rc
