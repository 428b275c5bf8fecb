"""Importance alignment (method spec section 9): ROC AUC of S separating the
top-20% |Delta| pixels from the rest, and Spearman's rho of (S, |Delta|)."""
import numpy as np
from scipy.stats import rankdata, spearmanr


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mann-Whitney AUC with average ranks for ties; NaN if one class is empty."""
    labels = labels.astype(bool)
    npos, nneg = int(labels.sum()), int((~labels).sum())
    if npos == 0 or nneg == 0:
        return float("nan")
    r = rankdata(scores)
    return float((r[labels].sum() - npos * (npos + 1) / 2) / (npos * nneg))


def delta_magnitude(x: np.ndarray, y: np.ndarray, valid: np.ndarray) -> tuple:
    """|Delta| = mean over t (and channels) of |Y_t - X_last| on valid entries.
    Returns ([N, H, W] magnitude, [N, H, W] bool: pixel has valid data)."""
    d = np.abs(y - x[:, -1:]) * valid
    cnt = valid.sum(axis=(1, 2))
    mag = d.sum(axis=(1, 2)) / np.maximum(cnt, 1)
    return mag, cnt > 0


def importance_alignment(s: np.ndarray, x: np.ndarray, y: np.ndarray, valid: np.ndarray, top: float = 0.2) -> dict:
    """Per-sample AUC / Spearman over valid pixels, averaged over samples."""
    mag, ok = delta_magnitude(x, y, valid)
    aucs, rhos = [], []
    for i in range(s.shape[0]):
        si = s[i].reshape(mag.shape[1:])[ok[i]]
        mi = mag[i][ok[i]]
        if mi.size < 2:
            continue
        thr = np.quantile(mi, 1 - top)
        aucs.append(roc_auc(si, mi >= thr))
        rho = spearmanr(si, mi).correlation
        rhos.append(float(rho) if np.isfinite(rho) else 0.0)
    return {"roc_auc": float(np.nanmean(aucs)) if aucs else float("nan"),
            "spearman": float(np.mean(rhos)) if rhos else float("nan"), "samples": len(aucs)}
