"""The scikit-learn / numpy side of `npm run bench:learner` (bench/learner.ts writes the data).

Reads the pool (X.npy), the labeled rows and bootstrap resamples (fits.json) and our fitted
raw-space weights (in fits.json) from the folder given, then times on exactly that data, single
threaded (the caller sets OMP/OPENBLAS/MKL threads to 1 before numpy loads):
  - LogisticRegression(multinomial, lbfgs) fits: the main model and the 5 committee members on
    their bootstrap rows, with the objective made identical to ours (see fit_sklearn), to its own
    convergence (tol as ours), stopped at as many iterations as ours took, and stopped at the
    fewest iterations that reach our objective;
  - the prediction pass over the pool for the main model + 5 members: sklearn's predict_proba
    (one call per model, as a user of sklearn would) and numpy's matmul + softmax over the
    stacked weights (one pass);
and prints one JSON object on stdout: medians in ms, iterations, objectives in our units, and
the largest difference between numpy's probabilities and ours (probs.npy).
"""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

# Our objective penalises the bias with λ·BIAS_PENALTY (softmax.ts). sklearn never penalises its
# intercept, so the bias goes in as a constant feature of value BIAS_COLUMN instead:
# (λ/2)·w² on that column is (λ/2)·(b/BIAS_COLUMN)² = (λ·0.01/2)·b² on the bias b.
BIAS_PENALTY = 0.01
BIAS_COLUMN = 1 / np.sqrt(BIAS_PENALTY)


def timed(f, reps):
    """Medians of wall and CPU milliseconds over reps runs, and the last result."""
    wall = []
    cpu = []
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        c0 = time.process_time()
        out = f()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return {"ms": float(np.median(wall)), "cpuMs": float(np.median(cpu))}, out


def our_objective(Xs, y, K, lam, W):
    """Σ −log softmax(W·x̃)_y + (λ/2)‖W‖² + (λ·0.01/2)‖b‖², W as K × (d+1) (bias last)."""
    Z = Xs @ W[:, :-1].T + W[:, -1]
    Z -= Z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(Z).sum(axis=1))
    f = float(np.sum(lse - Z[np.arange(len(y)), y]))
    return f + 0.5 * lam * float(np.sum(W[:, :-1] ** 2)) + 0.5 * lam * BIAS_PENALTY * float(np.sum(W[:, -1] ** 2))


def fit_sklearn(Xs, y, C, tol, max_iter):
    # sklearn minimises (1/n)·[Σ loss + ‖W‖²/(2C)], the same minimiser as ours; its gtol test on
    # that scaled gradient (tol) is our max|g| ≤ tol·n.
    clf = LogisticRegression(C=C, solver="lbfgs", multi_class="multinomial", tol=tol, max_iter=max_iter, fit_intercept=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(np.hstack([Xs, np.full((len(Xs), 1), BIAS_COLUMN)]), y)
    W = clf.coef_.copy()
    W[:, -1] *= BIAS_COLUMN
    return W, int(clf.n_iter_[0])


def main():
    folder = sys.argv[1]
    spec = json.load(open(f"{folder}/fits.json"))
    X = np.load(f"{folder}/X.npy")
    K, C, tol, max_iter, reps = spec["classes"], spec["C"], spec["tol"], spec["maxIter"], spec["reps"]
    lam = 1 / C
    # The pool's standardisation (ours is computed once per pool and cached; not timed on either side).
    X64 = X.astype(np.float64)
    mean = X64.mean(axis=0)
    std = X64.std(axis=0)
    inv = np.where(std ** 2 > 1e-12, 1 / np.where(std > 0, std, 1), 1.0)
    del X64
    res = {"numpy": np.__version__, "sklearn": sklearn.__version__, "fits": []}
    for fit in spec["fits"]:
        rows = np.asarray(fit["rows"], dtype=np.int64)
        y = np.asarray(fit["y"], dtype=np.int64)

        def one():
            Xs = (X[rows].astype(np.float64) - mean) * inv
            return fit_sklearn(Xs, y, C, tol, max_iter)

        t, (W, iters) = timed(one, reps)
        Xs = (X[rows].astype(np.float64) - mean) * inv
        # Stopped after as many iterations as ours took: the objective it has reached by then.
        capped, (Wc, itc) = timed(lambda: fit_sklearn(Xs, y, C, tol, fit["oursIterations"]), reps)
        # And stopped as soon as it reaches our objective: the fewest iterations (up to its own
        # convergence) at which its objective is no worse than ours.
        target = fit["oursObjective"] * (1 + 1e-9)
        cap = fit["oursIterations"]
        while True:
            Wr, itr = fit_sklearn(Xs, y, C, tol, cap)
            if our_objective(Xs, y, K, lam, Wr) <= target or itr < cap or cap >= iters:
                break
            cap += max(1, cap // 8)
        reach, (Wr, itr) = timed(lambda: fit_sklearn(Xs, y, C, tol, cap), reps)
        res["fits"].append({
            "name": fit["name"], **t, "iterations": iters, "objective": our_objective(Xs, y, K, lam, W),
            "capped": {**capped, "iterations": itc, "objective": our_objective(Xs, y, K, lam, Wc)},
            "reach": {**reach, "iterations": itr, "objective": our_objective(Xs, y, K, lam, Wr)},
        })

    # The prediction pass, on our raw-space weights: models × K rows of d weights + a bias.
    Wall = np.asarray(spec["weights"], dtype=np.float64).reshape(-1, spec["weightCols"])
    models = Wall.shape[0] // K
    coef = [Wall[m * K:(m + 1) * K, :-1] for m in range(models)]
    bias = [Wall[m * K:(m + 1) * K, -1] for m in range(models)]
    clfs = []
    for m in range(models):
        clf = LogisticRegression(multi_class="multinomial")
        clf.classes_ = np.arange(K)
        clf.coef_ = coef[m]
        clf.intercept_ = bias[m]
        clf.n_features_in_ = X.shape[1]
        clfs.append(clf)
    res["sklearnPredict"], _ = timed(lambda: [c.predict_proba(X) for c in clfs], reps)

    Wt = np.ascontiguousarray(Wall[:, :-1].T.astype(np.float32))
    b32 = Wall[:, -1].astype(np.float32)

    def numpy_pass():
        Z = (X @ Wt + b32).reshape(len(X), models, K)
        Z -= Z.max(axis=2, keepdims=True)
        np.exp(Z, out=Z)
        Z /= Z.sum(axis=2, keepdims=True)
        return Z

    res["numpyPredict"], P = timed(numpy_pass, reps)
    ours = np.load(f"{folder}/probs.npy").reshape(len(X), models, K)
    res["maxAbsDiffVsOurs"] = float(np.abs(P - ours).max())
    print(json.dumps(res))


if __name__ == "__main__":
    main()
