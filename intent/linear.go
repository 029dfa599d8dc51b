package intent

import (
	"context"
	"math"
	"runtime"
	"sync"
)

// posting is one training phrase holding a feature, with its value.
type posting struct {
	doc int32
	val float32
}

// invertedIndex lists, per feature, the training phrases that have it.
type invertedIndex [][]posting

func buildInverted(X []sparse, numFeatures int) invertedIndex {
	cols := make(invertedIndex, numFeatures)
	for i, x := range X {
		for k, f := range x.idx {
			cols[f] = append(cols[f], posting{int32(i), x.val[k]})
		}
	}
	return cols
}

// sims returns the cosine of x with every training phrase.
func (inv invertedIndex) sims(x sparse, n int) []float64 {
	s := make([]float64, n)
	for k, f := range x.idx {
		xv := float64(x.val[k])
		for _, p := range inv[f] {
			s[p.doc] += xv * float64(p.val)
		}
	}
	return s
}

// softmaxParams tunes the L2-regularised multinomial logistic regression.
type softmaxParams struct {
	Lambda float64 // L2 penalty on the weights
	Iters  int     // accelerated gradient steps
}

// parallelFor runs f over [0, n) split in chunks across the CPUs.
func parallelFor(n int, f func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n/64 {
		workers = n / 64
	}
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, hi)
	}
	wg.Wait()
}

// trainSoftmax fits a multinomial logistic regression with an L2 penalty by
// Nesterov-accelerated gradient descent, in the dual form: the weights are
// W = Xᵀα, and only α (one row per training phrase) is kept. The
// representation is exact for gradient descent started at zero, and lets a
// model predict from its learning phrases alone.
func trainSoftmax(ctx context.Context, X []sparse, y []int, C, F int, p softmaxParams) ([]float64, error) {
	n := len(X)
	inv := buildInverted(X, F)
	alpha := make([]float64, n*C)
	prev := make([]float64, n*C)
	look := make([]float64, n*C) // look-ahead point
	W := make([]float64, F*C)
	grad := make([]float64, n*C)
	// The softmax loss has curvature at most ½·λmax(XᵀX/n); its largest
	// eigenvalue, found by power iteration, sets the step.
	lip := 0.5*topEigen(X, F)*1.1 + p.Lambda
	step := 1 / lip
	mom := (1 - math.Sqrt(p.Lambda*step)) / (1 + math.Sqrt(p.Lambda*step))
	invN := 1 / float64(n)
	for it := 0; it < p.Iters; it++ {
		if it%16 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		// W = Xᵀ look
		parallelFor(F, func(lo, hi int) {
			for f := lo; f < hi; f++ {
				row := W[f*C : (f+1)*C]
				clear(row)
				for _, pt := range inv[f] {
					a := look[int(pt.doc)*C : (int(pt.doc)+1)*C]
					v := float64(pt.val)
					for c := range row {
						row[c] += v * a[c]
					}
				}
			}
		})
		// gradient in α-space: (softmax(XW) − Y)/n + λ·look
		parallelFor(n, func(lo, hi int) {
			z := make([]float64, C)
			for i := lo; i < hi; i++ {
				clear(z)
				x := X[i]
				for k, f := range x.idx {
					v := float64(x.val[k])
					row := W[int(f)*C : (int(f)+1)*C]
					for c := range z {
						z[c] += v * row[c]
					}
				}
				softmaxInPlace(z)
				z[y[i]] -= 1
				g := grad[i*C : (i+1)*C]
				a := look[i*C : (i+1)*C]
				for c := range g {
					g[c] = z[c]*invN + p.Lambda*a[c]
				}
			}
		})
		for j := range alpha {
			next := look[j] - step*grad[j]
			prev[j] = alpha[j]
			alpha[j] = next
			look[j] = next + mom*(next-prev[j])
		}
	}
	return alpha, nil
}

func softmaxInPlace(z []float64) {
	m := math.Inf(-1)
	for _, v := range z {
		m = math.Max(m, v)
	}
	var s float64
	for c, v := range z {
		z[c] = math.Exp(v - m)
		s += z[c]
	}
	for c := range z {
		z[c] /= s
	}
}

// topEigen estimates the largest eigenvalue of XᵀX/n by power iteration.
func topEigen(X []sparse, F int) float64 {
	v := make([]float64, F)
	for i := range v {
		v[i] = 1
	}
	u := make([]float64, len(X))
	var lambda float64
	for it := 0; it < 30; it++ {
		var norm float64
		for _, x := range v {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			return 1
		}
		for i := range v {
			v[i] /= norm
		}
		for i, x := range X {
			var s float64
			for k, f := range x.idx {
				s += float64(x.val[k]) * v[f]
			}
			u[i] = s
		}
		clear(v)
		for i, x := range X {
			for k, f := range x.idx {
				v[f] += float64(x.val[k]) * u[i]
			}
		}
		lambda = 0
		for _, ui := range u {
			lambda += ui * ui
		}
		lambda /= float64(len(X))
	}
	return lambda
}
