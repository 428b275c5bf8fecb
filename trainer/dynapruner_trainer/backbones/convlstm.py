"""Small ConvLSTM (Shi et al., NeurIPS 2015): per-frame stride-2 conv encoder,
two stacked ConvLSTM cells unrolled over time at the 17x18 resolution, and a
per-step decoder (x2 upsample, 3x3 conv, 1x1 readout to Delta).

Cell (Shi et al. form, no peepholes): for each gate q in (i, f, o, g)
  pre_q = conv_xq(x_t) * M_w * M_sp + conv_hq(h_{t-1}) * M_w * M_sp
  c_t = (sigma(pre_f) c_{t-1} + sigma(pre_i) tanh(pre_g)) * M_w * M_sp
  h_t = sigma(pre_o) tanh(c_t) * M_w * M_sp
The eight convs are separate nodes with K = hid filters each, so each is bound
to the cell's unit one to one (a fused 4*hid conv would not map to a [N, hid]
gate). h and c are masked at every step (method spec section 3).

Sequence: the T_in observed frames are encoded and fed; then for each of the
T_out steps the decoder emits Delta_s, the prediction
X_last + M_sp * Delta_s is re-encoded and fed (autoregressive, as at test time
in OpenSTL).

Gate inputs (documented choice): a recurrent unit's input changes over the
unrolled steps and depends on its own gate, but the contract has one gate per
sample and unit. Every cell unit and the decoder unit therefore pool the
encoder features of the T_in observed frames (S-weighted for dynapruner);
the encoder unit pools the masked input frames."""
import torch

from ..masks import MaskContext, MaskedConv
from .common import UnitBackbone, down_kernel, up2_crop

GATES = ("i", "f", "o", "g")


class Cell(torch.nn.Module):
    def __init__(self, name: str, cin: int, hid: int, unit, in_unit, k: int = 2):
        super().__init__()
        self.hid = hid
        self.k = k
        self.unit = [unit]
        # plain attributes x_i, h_i, ... (not a ModuleDict): ONNX scopes then name them uniquely
        for q in GATES:
            setattr(self, f"x_{q}", MaskedConv(f"{name}.x_{q}", cin, hid, 3, k=k, act=None,
                                               unit=unit, in_unit=in_unit))
            setattr(self, f"h_{q}", MaskedConv(f"{name}.h_{q}", hid, hid, 3, k=k, act=None,
                                               unit=unit, in_unit=unit))

    def _mask(self, t: torch.Tensor, ctx: MaskContext) -> torch.Tensor:
        m_w = ctx.gate_masks.get(self.unit[0].uid)
        if m_w is not None:
            t = t * m_w[:, :, None, None]
        m_sp = ctx.spatial(self.k)
        return t * m_sp if m_sp is not None else t

    def forward(self, x, h, c, ctx: MaskContext):
        pre = {q: getattr(self, f"x_{q}")(x, ctx) + getattr(self, f"h_{q}")(h, ctx) for q in GATES}
        c = torch.sigmoid(pre["f"]) * c + torch.sigmoid(pre["i"]) * torch.tanh(pre["g"])
        c = self._mask(c, ctx)
        h = self._mask(torch.sigmoid(pre["o"]) * torch.tanh(c), ctx)
        return h, c


class ConvLSTM(UnitBackbone):
    def __init__(self, t_in: int, t_out: int, channels: int, grid, hid: int = 16, layers: int = 2, down: int = 2):
        super().__init__()
        self.t_in, self.t_out, self.c = t_in, t_out, channels
        self.h, self.w = grid
        self.hid = hid
        self.down = down
        ue = self.add_unit("enc", channels, hid)
        self.enc = MaskedConv("enc", channels, hid, down_kernel(down), k=down, stride=down, unit=ue, in_k=1)
        self.cells = torch.nn.ModuleList()
        prev = ue
        for i in range(layers):
            uc = self.add_unit(f"cell.{i}", hid, hid)
            self.cells.append(Cell(f"cell.{i}", hid, hid, uc, prev, down))
            prev = uc
        ud = self.add_unit("dec.0", hid, hid)
        self.dec0 = MaskedConv("dec.0", hid, hid, 3, k=1, unit=ud)
        self.readout = MaskedConv("readout", hid, channels, 1, k=1, act=None, in_unit=ud)

    def forward(self, x: torch.Tensor, ctx: MaskContext, x_last=None) -> torch.Tensor:
        """x: masked input frames; x_last: the persistence frame (unmasked),
        used to form the fed-back predictions."""
        n = x.shape[0]
        frames = [x[:, t] for t in range(self.t_in)]
        ctx.gate(self.units[0], frames, 1)
        enc = [self.enc(f, ctx) for f in frames]
        for u in list(self.units)[1:]:
            ctx.gate(u, enc, self.down)
        h2, w2 = enc[0].shape[2:]
        hs = [enc[0].new_zeros(n, self.hid, h2, w2) for _ in self.cells]
        cs = [enc[0].new_zeros(n, self.hid, h2, w2) for _ in self.cells]

        def step(e):
            inp = e
            for j, cell in enumerate(self.cells):
                hs[j], cs[j] = cell(inp, hs[j], cs[j], ctx)
                inp = hs[j]

        for e in enc:
            step(e)
        deltas = []
        for s in range(self.t_out):
            d = self.readout(self.dec0(up2_crop(hs[-1], self.h, self.w, self.down), ctx), ctx)
            deltas.append(d)
            if s + 1 < self.t_out:
                y = x_last + d  # d is already M_sp * Delta (readout is spatially masked)
                if ctx.data_mask is not None:
                    y = y * ctx.data_mask
                step(self.enc(y, ctx))
        return torch.stack(deltas, 1)
