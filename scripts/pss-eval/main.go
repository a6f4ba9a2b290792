// pss-eval: the upstream Pod Security evaluator (k8s.io/pod-security-admission) as a filter, the
// oracle of the differential test. Reads JSON Pod objects, one per line, on stdin; writes one JSON
// line per pod, {"allowed":bool,"reasons":["<reason>: <detail>", ...]}, judged at level
// restricted, version latest (of the module version it is built with).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

type verdict struct {
	Allowed bool     `json:"allowed"`
	Reasons []string `json:"reasons"`
}

func main() {
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks())
	if err != nil {
		fmt.Fprintln(os.Stderr, "pss-eval:", err)
		os.Exit(2)
	}
	level := api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	encoder := json.NewEncoder(out)
	line := 0
	for in.Scan() {
		line++
		if len(in.Bytes()) == 0 {
			continue
		}
		var pod corev1.Pod
		if err := json.Unmarshal(in.Bytes(), &pod); err != nil {
			fmt.Fprintf(os.Stderr, "pss-eval: line %d: not a Pod: %v\n", line, err)
			os.Exit(2)
		}
		result := policy.AggregateCheckResults(evaluator.EvaluatePod(level, &pod.ObjectMeta, &pod.Spec))
		reasons := make([]string, 0, len(result.ForbiddenReasons))
		for i, reason := range result.ForbiddenReasons {
			reasons = append(reasons, reason+": "+result.ForbiddenDetails[i])
		}
		if err := encoder.Encode(verdict{Allowed: result.Allowed, Reasons: reasons}); err != nil {
			fmt.Fprintln(os.Stderr, "pss-eval:", err)
			os.Exit(2)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "pss-eval:", err)
		os.Exit(2)
	}
}
