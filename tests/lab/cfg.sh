# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# cfg.sh - reads tests/lab/tests.cfg; sourced by run.sh (on the build
# machine) and lab-init.sh (inside the lab), so both agree on the list.
#
# cfg_load FILE LAB fills:
#   CFG_NAMES            test names in file order, only those for LAB
#   CFG_FILE[name] CFG_ARGS[name] CFG_EXIT[name] CFG_TIMEOUT[name]
#   CFG_SIGNAL[name]     (empty: none)
#   CFG_PARALLEL[name]   copies run at once (default 1)
#   CFG_PATTERNS[name]   newline-separated extended regexes
#   CFG_SKIP[name]       why the full run skips it (empty: it runs)
#   CFG_CPU_MAX[name]    percent of one CPU vmctl may use (empty: not measured)
#   CFG_CPU_FROM[name]   regex: the measuring window starts at this line
#   CFG_CPU_WINDOW[name] seconds measured (default 10)
# Returns non-zero, with a message on stderr, on a malformed file.

# shellcheck disable=SC2034 # the arrays are used by whoever sources this
declare -a CFG_NAMES
declare -A CFG_FILE CFG_ARGS CFG_EXIT CFG_TIMEOUT CFG_SIGNAL CFG_PATTERNS CFG_LABS CFG_PARALLEL CFG_SKIP
declare -A CFG_CPU_MAX CFG_CPU_FROM CFG_CPU_WINDOW

cfg_load() {
	local file=$1 lab=$2 line key val name='' n=0 all=() t

	CFG_NAMES=()
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=${line%$'\r'}
		case $line in
		''|'#'*) continue ;;
		'['*']')
			name=${line#[}
			name=${name%]}
			if [[ ! $name =~ ^[A-Za-z0-9_.-]+$ ]] || [ -n "${CFG_FILE[$name]+x}" ]; then
				echo "$file:$n: bad or repeated test name '$name'" >&2
				return 1
			fi
			all+=("$name")
			CFG_FILE[$name]='' CFG_ARGS[$name]='' CFG_EXIT[$name]=1
			CFG_TIMEOUT[$name]=20 CFG_SIGNAL[$name]='' CFG_PATTERNS[$name]=''
			CFG_LABS[$name]="amd intel" CFG_PARALLEL[$name]=1 CFG_SKIP[$name]=''
			CFG_CPU_MAX[$name]='' CFG_CPU_FROM[$name]='' CFG_CPU_WINDOW[$name]=10
			continue ;;
		esac
		if [ -z "$name" ] || [[ ! $line =~ ^([a-z_]+)[[:space:]]*=[[:space:]]*(.*)$ ]]; then
			echo "$file:$n: expected [name] or key = value" >&2
			return 1
		fi
		key=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
		case $key in
		file) CFG_FILE[$name]=$val ;;
		args) CFG_ARGS[$name]=$val ;;
		exit) CFG_EXIT[$name]=$val ;;
		timeout) CFG_TIMEOUT[$name]=$val ;;
		signal) CFG_SIGNAL[$name]=$val ;;
		labs) CFG_LABS[$name]=$val ;;
		parallel) CFG_PARALLEL[$name]=$val ;;
		skip) CFG_SKIP[$name]=$val ;;
		pattern) CFG_PATTERNS[$name]+=$val$'\n' ;;
		cpu_max) CFG_CPU_MAX[$name]=${val%\%} ;;
		cpu_from) CFG_CPU_FROM[$name]=$val ;;
		cpu_window) CFG_CPU_WINDOW[$name]=$val ;;
		*) echo "$file:$n: unknown key '$key'" >&2; return 1 ;;
		esac
	done < "$file"

	for t in "${all[@]}"; do
		if [ -z "${CFG_FILE[$t]}" ]; then
			echo "$file: [$t] has no file" >&2
			return 1
		fi
		if [[ ! ${CFG_EXIT[$t]}${CFG_TIMEOUT[$t]}${CFG_PARALLEL[$t]} =~ ^[0-9]+$ ]]; then
			echo "$file: [$t]: exit, timeout and parallel must be numbers" >&2
			return 1
		fi
		if [ -n "${CFG_CPU_MAX[$t]}" ] &&
		   { [[ ! ${CFG_CPU_MAX[$t]}${CFG_CPU_WINDOW[$t]} =~ ^[0-9]+$ ]] ||
		     [ -z "${CFG_SIGNAL[$t]}" ] || [ "${CFG_PARALLEL[$t]}" != 1 ]; }; then
			echo "$file: [$t]: cpu_max needs a whole percent, a number for cpu_window, a signal, no parallel" >&2
			return 1
		fi
		if [ -z "${CFG_PATTERNS[$t]}" ] && [ "${CFG_EXIT[$t]}" = 1 ]; then
			CFG_PATTERNS[$t]=$'^SUMMARY: [0-9]+ tests, 0 failures$\n'
		fi
		case " ${CFG_LABS[$t]} " in
		*" $lab "*) CFG_NAMES+=("$t") ;;
		esac
	done
}
