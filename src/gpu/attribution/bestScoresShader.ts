/**
 * The WGSL kernel behind GpuHolderScorer: for a block of outputs and a chunk of catalogue items,
 * raises best[output][holder(item)] to each dot product of unit rows, without ever holding the
 * outputs × items similarity matrix (at M = 16384, N = 2^20 it would be 68 GB): the max per
 * holder is fused into the matrix product.
 *
 * Tiling, for a data-centre GPU (NVIDIA H100/H200: 128 fp32 FMA and 128 bytes of shared memory
 * per clock per SM). A workgroup of 256 invocations owns a tile of OUTPUT_TILE = 64 outputs ×
 * ITEM_TILE = 128 items; each invocation a register micro-tile of 4 outputs × 8 consecutive items,
 * 8 vec4 accumulators whose lanes are the 4 outputs, i.e. the 4 lanes of one group of the
 * engine's layout. d is walked in steps of DIMS_PER_STEP = 16: the step's slice of the 64 output
 * rows and 128 item rows is loaded once (vec4 loads, coalesced along d) into workgroup memory,
 * transposed so that each k gives one vec4 of 4 outputs and two vec4 of 8 items; 12 KiB of
 * workgroup memory, under WebGPU's 16 KiB default. Per k an invocation reads 3 vec4 for 32
 * FMAs, and a warp (16 item-invocations × 2 output-invocations) reads 2 distinct A vectors
 * (broadcast) and 32 consecutive B vectors (conflict-free): ~4.5 shared-memory clocks per 8 FMA
 * clocks, so the FMA pipes, not shared memory, are the bound. From global memory a tile costs
 * (64 + 128)·d·4 bytes for 64·128·d FMAs (21 flop/byte); with the output tiles on the fastest
 * dispatch axis the workgroups that share an item tile run together, so HBM streams each item
 * chunk about once per pass and the pass's output rows stay in L2. Each invocation holds 32
 * totals, 32 partials and the next step's 3 prefetched vec4 (loaded before the current step's
 * products so that their latency overlaps them): ~100 registers, two workgroups per SM.
 * Expected on an H200 (67 TFLOP/s fp32 peak): the issue's 10 TFLOP/s is 15 % of peak, which a
 * shared-memory SGEMM of this shape (no tensor cores, no double-buffered workgroup memory)
 * should clear with room to spare, 30–50 % of peak being usual. Not yet measured on such a GPU;
 * on SwiftShader (2 CPU cores) it runs ~0.7·10^9 products per second.
 *
 * Accuracy. Products are summed in f32 in two levels: 16 products into a partial (k ascending),
 * then the partials into the total. For unit rows this is within bestScoreErrorBound(d) of the
 * exact dot product of the same f32 rows (Higham, Accuracy and Stability, §3.1 and the blocked
 * variant: γ_{b + d/b − 1}·Σ|xₖyₖ| with b = 16 and Σ|xₖyₖ| ≤ ‖x‖‖y‖ = 1), e.g. 1.4·10^-6 at
 * d = 128, 2.8·10^-6 at d = 512, 1.6·10^-5 at d = 4096, against (d + 1)·2^-24 (3·10^-5 at
 * d = 512) for one running sum. The CPU engine sums the same f32 rows in f64, so this bound
 * is also how far the two backends' scores may be apart.
 *
 * The max. Scores ≤ 0 never count (similaritySplit.ts), so the best buffer starts at 0 and only
 * positive scores are raised into it, as u32 bit patterns, which order like the positive f32s
 * they encode: atomicMax on the bits is a max on the scores. Before the global atomic, each
 * invocation folds runs of its 8 consecutive items that share a holder (catalogues are usually
 * listed holder by holder; unsorted ones are merely not helped), and reads the current best
 * first, so that the atomic (an L2 read-modify-write that serialises on contended addresses) is
 * issued only for an improvement, which becomes rare once the best scores have settled.
 */

/** Outputs per workgroup tile. */
export const OUTPUT_TILE = 64;
/** Items per workgroup tile. */
export const ITEM_TILE = 128;
/** Dimensions loaded into workgroup memory per step, and summed into one partial. */
export const DIMS_PER_STEP = 16;

const UNIT_ROUNDOFF = 2 ** -24;

/**
 * The most a GPU score may differ from the CPU engine's for unit rows of d dimensions. Both sum
 * the products of the same f32 rows x, y; the GPU's two-level f32 sum carries n = 16 + ⌈d/16⌉ − 1
 * roundings on each product's path (WGSL's f32 + and × are correctly rounded, an fma rounds at
 * most twice), so it is within γ_n·Σ|xₖyₖ| ≤ γ_n·‖x‖‖y‖ of the exact value, and the rows, unit
 * vectors rounded component-wise to f32, have ‖x‖ ≤ 1 + 2^-24. The CPU's f64 sum is exact to
 * d·2^-53, which is added, as are the 2^-126 a flush of a subnormal to zero may lose per step.
 */
export function bestScoreErrorBound(d: number): number {
  const n = DIMS_PER_STEP + Math.ceil(d / DIMS_PER_STEP) - 1;
  const gamma = (n * UNIT_ROUNDOFF) / (1 - n * UNIT_ROUNDOFF);
  return gamma * (1 + UNIT_ROUNDOFF) ** 2 + d * 2 ** -53 + (d + n) * 2 ** -126;
}

/** Items of an invocation's micro-tile (the shader is unrolled over them), and vec4 lane names. */
const ITEMS_PER_INVOCATION = 8;
const js = Array.from({ length: ITEMS_PER_INVOCATION }, (_, j) => j);
const lane = (j: number): string => 'xyzw'[j % 4];

/**
 * The kernel. Bindings: 0 uniform Params, 1 output rows (vec4 per 4 dimensions, zero-padded),
 * 2 item rows (same), 3 holder of each item, 4 best scores (u32 bits) in the engine's layout
 * best[(group·holders + h)·4 + lane]. Dispatch (⌈outputs / 64⌉, ⌈items / 128⌉).
 */
export const BEST_SCORES_WGSL = /* wgsl */ `
struct Params {
  outputs: u32,   // output rows in this block
  rowVecs: u32,   // vec4 per row: ceil(d / 4)
  items: u32,     // item rows in this chunk
  holders: u32,
  steps: u32,     // ceil(rowVecs / 4): steps of 16 dimensions
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> rows: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> items: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> holderOf: array<u32>;
@group(0) @binding(4) var<storage, read_write> best: array<atomic<u32>>;

// tileA[k * 16 + q]: dimension k of outputs 4q .. 4q + 3 of the tile.
var<workgroup> tileA: array<vec4<f32>, ${DIMS_PER_STEP * (OUTPUT_TILE / 4)}>;
// tileB[k * 32 + q]: dimension k of items 4q .. 4q + 3 of the tile.
var<workgroup> tileB: array<vec4<f32>, ${DIMS_PER_STEP * (ITEM_TILE / 4)}>;

const NO_HOLDER: u32 = 0xffffffffu;

// Raises lanes of one group of 4 outputs for holder h to the positive scores m.
fn raise(group: u32, h: u32, m: vec4<f32>) {
  if (h == NO_HOLDER) { return; }
  let base = (group * params.holders + h) * 4u;
  for (var i = 0u; i < 4u; i++) {
    let s = m[i];
    if (s > 0.0) {
      let bits = bitcast<u32>(s);
      if (bits > atomicLoad(&best[base + i])) { atomicMax(&best[base + i], bits); }
    }
  }
}

// vec4 v of output row r, or zeros past the last row or column.
fn loadOutput(r: u32, v: u32) -> vec4<f32> {
  if (r < params.outputs && v < params.rowVecs) { return rows[r * params.rowVecs + v]; }
  return vec4<f32>(0.0);
}

// vec4 v of item row r of the chunk, or zeros past the last row or column.
fn loadItem(r: u32, v: u32) -> vec4<f32> {
  if (r < params.items && v < params.rowVecs) { return items[r * params.rowVecs + v]; }
  return vec4<f32>(0.0);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let out0 = wg.x * ${OUTPUT_TILE}u;
  let item0 = wg.y * ${ITEM_TILE}u;
  let tx = t % 16u;  // items tx * 8 .. tx * 8 + 7 of the tile
  let ty = t / 16u;  // outputs ty * 4 .. ty * 4 + 3 of the tile
  // Loading: invocation t fetches vec4 (t % 4) of the step for output row t / 4 and for item
  // rows t / 4 and t / 4 + 64.
  let lr = t / 4u;
  let lc = t % 4u;
  let outRow = out0 + lr;
  let itemRow0 = item0 + lr;
  let itemRow1 = item0 + lr + 64u;

${js.map((j) => `  var total${j} = vec4<f32>(0.0);`).join('\n')}

  // The next step's slices are fetched into registers before this step's products, so that
  // their global-memory latency overlaps the arithmetic (one barrier-separated buffer only).
  var a = loadOutput(outRow, lc);
  var b0 = loadItem(itemRow0, lc);
  var b1 = loadItem(itemRow1, lc);
  for (var step = 0u; step < params.steps; step++) {
${[0, 1, 2, 3]
  .map(
    (e) => `    tileA[(lc * 4u + ${e}u) * ${OUTPUT_TILE / 4}u + lr / 4u][lr % 4u] = a.${lane(e)};
    tileB[(lc * 4u + ${e}u) * ${ITEM_TILE / 4}u + lr / 4u][lr % 4u] = b0.${lane(e)};
    tileB[(lc * 4u + ${e}u) * ${ITEM_TILE / 4}u + lr / 4u + 16u][lr % 4u] = b1.${lane(e)};`,
  )
  .join('\n')}
    workgroupBarrier();
    let following = (step + 1u) * 4u + lc;
    a = loadOutput(outRow, following);
    b0 = loadItem(itemRow0, following);
    b1 = loadItem(itemRow1, following);

${js.map((j) => `    var part${j} = vec4<f32>(0.0);`).join('\n')}
    for (var k = 0u; k < ${DIMS_PER_STEP}u; k++) {
      let x = tileA[k * ${OUTPUT_TILE / 4}u + ty];
      let y0 = tileB[k * ${ITEM_TILE / 4}u + tx * 2u];
      let y1 = tileB[k * ${ITEM_TILE / 4}u + tx * 2u + 1u];
${js.map((j) => `      part${j} = fma(x, vec4<f32>(y${j >> 2}.${lane(j)}), part${j});`).join('\n')}
    }
${js.map((j) => `    total${j} += part${j};`).join('\n')}
    workgroupBarrier();
  }

  if (out0 + ty * 4u >= params.outputs) { return; }
  let group = out0 / 4u + ty;
  let first = item0 + tx * 8u;
${js.map((j) => `  let h${j} = select(NO_HOLDER, holderOf[min(first + ${j}u, params.items - 1u)], first + ${j}u < params.items);`).join('\n')}
  // Runs of consecutive items of one holder are folded before the global atomics.
  var run = total0;
  var runHolder = h0;
${js
  .slice(1)
  .map((j) => `  if (h${j} == runHolder) { run = max(run, total${j}); } else { raise(group, runHolder, run); run = total${j}; runHolder = h${j}; }`)
  .join('\n')}
  raise(group, runHolder, run);
}
`;
