// pmath.glsl: portable float32 math (exp, log, sqrt, division, tanh, pow,
// sin, cos) that gives bit-identical results to the Go package
// internal/pmath on every Vulkan device: change one, change the other. Each
// function here is the twin of the Go function of the same name in
// snake_case with a pm_ prefix (Exp: pm_exp, logExt: pm_log_ext), each
// constant the twin of the Go constant in upper snake case with a PM_
// prefix (expBig: PM_EXP_BIG). The Go package documentation gives the
// special cases and the measured accuracy.
//
// It needs no extension: GLSL 4.50 core (#version 450) is enough.
//
// The rules that make it portable: only float +, -, * (correctly rounded in
// Vulkan), comparisons, floor, integer operations and bit casts; no native
// exp, log, sqrt, division, sin, cos, tanh, pow or fma. Every float local is
// precise (SPIR-V NoContraction), so that no driver fuses a product and a
// sum, and every product or sum is stored in one before it is used, in the
// order the Go code rounds them. Denormal inputs are read as zero of their
// sign, and no result is denormal, so a device that flushes denormals and
// one that keeps them agree. NaN and infinity results are built from bits.

#ifndef SPIKEVK_PMATH_GLSL
#define SPIKEVK_PMATH_GLSL

// Bit patterns and masks of float32 values.
const uint PM_SIGN_BIT = 0x80000000u;
const uint PM_ABS_MASK = 0x7fffffffu;
const uint PM_MANT_MASK = 0x007fffffu;
const uint PM_MIN_NORMAL = 0x00800000u;
const uint PM_ONE_BITS = 0x3f800000u;
const uint PM_INF_BITS = 0x7f800000u;
const uint PM_NAN_BITS = 0x7fc00000u;

// Thresholds, compared with the bits of a magnitude.
const uint PM_EXP_BIG = 0x42b20000u;   // 89
const uint PM_EXP_TINY = 0x2b800000u;  // 2^-40
const uint PM_SQRT2 = 0x3fb504f3u;     // float32(sqrt 2)
const uint PM_TANH_TINY = 0x39800000u; // 2^-12
const uint PM_TANH_MID = 0x3f200000u;  // 0.625
const uint PM_TANH_BIG = 0x4111999au;  // 9.1
const uint PM_POW_BIG_Y = 0x53800000u; // 2^40
const uint PM_POW_TINY = 0x32800000u;  // 2^-26
const uint PM_PI4 = 0x3f490fdbu;       // float32(pi/4)
const uint PM_SIN_TINY = 0x39800000u;  // 2^-12

// Range reduction: ln 2 = PM_LN2_HI + PM_LN2_LO (PM_LN2_HI has 16
// significant bits), pi/4 = PM_PI4_HI + PM_PI4_LO (PM_PI4_HI has 12).
const float PM_LOG2E = 1.442695;
const float PM_LN2_HI = 0.69314575;
const float PM_LN2_LO = 1.4286068e-06;
const float PM_PI4_HI = 0.7854004;
const float PM_PI4_LO = -2.2272275e-06;

// Veltkamp's splitting constant 2^12 + 1.
const float PM_SPLITTER = 4097.0;

// Cephes (S. L. Moshier) minimax coefficients: expf.c, logf.c, tanhf.c,
// sinf.c.
const float PM_EXP_P0 = 0.00019875691;
const float PM_EXP_P1 = 0.0013981999;
const float PM_EXP_P2 = 0.008333452;
const float PM_EXP_P3 = 0.041665796;
const float PM_EXP_P4 = 0.16666666;
const float PM_EXP_P5 = 0.5;

const float PM_LOG_P0 = 0.070376836;
const float PM_LOG_P1 = -0.1151461;
const float PM_LOG_P2 = 0.116769984;
const float PM_LOG_P3 = -0.12420141;
const float PM_LOG_P4 = 0.14249323;
const float PM_LOG_P5 = -0.16668057;
const float PM_LOG_P6 = 0.20000714;
const float PM_LOG_P7 = -0.24999994;
const float PM_LOG_P8 = 0.3333333;

const float PM_TANH_P0 = -0.0057049887;
const float PM_TANH_P1 = 0.020639088;
const float PM_TANH_P2 = -0.053739715;
const float PM_TANH_P3 = 0.13331442;
const float PM_TANH_P4 = -0.3333328;

const float PM_SIN_P0 = -0.00019515296;
const float PM_SIN_P1 = 0.008332161;
const float PM_SIN_P2 = -0.16666655;
const float PM_COS_P0 = 2.4433157e-05;
const float PM_COS_P1 = -0.0013887316;
const float PM_COS_P2 = 0.041666646;

// The binary digits of 4/pi, 32 a word, after a zero word (fdlibm's 2/pi
// digits shifted by one place).
const uint PM_FOUR_OVER_PI[8] = uint[8](0u, 0xa2f9836eu, 0x4e441529u, 0xfc2757d1u,
                                        0xf534ddc0u, 0xdb629599u, 0x3c439041u, 0xfe5163abu);

// The bits b with a denormal magnitude replaced by zero of the same sign.
uint pm_flush(uint b) {
    if ((b & PM_ABS_MASK) < PM_MIN_NORMAL) {
        return b & PM_SIGN_BIT;
    }
    return b;
}

// s = a + b rounded and its exact error e (TwoSum).
void pm_two_sum(float a, float b, out float s, out float e) {
    precise float ps = a + b;
    precise float v = ps - a;
    precise float pe = (a - (ps - v)) + (b - v);
    s = ps;
    e = pe;
}

// pm_two_sum for |a| >= |b| or a = 0 (Fast2Sum).
void pm_fast_two_sum(float a, float b, out float s, out float e) {
    precise float ps = a + b;
    precise float pe = b - (ps - a);
    s = ps;
    e = pe;
}

// hi + lo = a exactly, 12 significant bits each (Veltkamp).
void pm_split(float a, out float hi, out float lo) {
    precise float c = PM_SPLITTER * a;
    precise float h = c - (c - a);
    precise float l = a - h;
    hi = h;
    lo = l;
}

// a*b - p exactly, p being the rounded product a*b (Dekker's TwoProduct).
float pm_prod_err(float a, float b, float p) {
    float ah, al, bh, bl;
    pm_split(a, ah, al);
    pm_split(b, bh, bl);
    precise float e = ah * bh - p;
    e = e + ah * bl;
    e = e + al * bh;
    e = e + al * bl;
    return e;
}

// p * 2^n for a positive normal p; +Inf on overflow, +0 below 2^-126.
float pm_scale(float p, int n) {
    uint b = floatBitsToUint(p);
    int e = int(b >> 23) + n;
    if (e <= 0) {
        return 0.0;
    }
    if (e >= 255) {
        return uintBitsToFloat(PM_INF_BITS);
    }
    return uintBitsToFloat((b & PM_MANT_MASK) | (uint(e) << 23));
}

// e^(h+l) for |h| < 89 and |l| tiny beside |h|.
float pm_exp_core(float h, float l) {
    precise float u = h * PM_LOG2E + 0.5;
    precise float z = floor(u);
    precise float r = h - z * PM_LN2_HI;
    r = r - z * PM_LN2_LO;
    r = r + l;
    if ((floatBitsToUint(r) & PM_ABS_MASK) < PM_EXP_TINY) {
        r = 0.0;
    }
    precise float r2 = r * r;
    precise float p = PM_EXP_P0 * r + PM_EXP_P1;
    p = p * r + PM_EXP_P2;
    p = p * r + PM_EXP_P3;
    p = p * r + PM_EXP_P4;
    p = p * r + PM_EXP_P5;
    p = p * r2 + r;
    p = p + 1.0;
    return pm_scale(p, int(z));
}

// e^x.
float pm_exp(float x) {
    uint b = pm_flush(floatBitsToUint(x));
    uint a = b & PM_ABS_MASK;
    if (a > PM_INF_BITS) {
        return uintBitsToFloat(PM_NAN_BITS);
    }
    if (a >= PM_EXP_BIG && b < PM_SIGN_BIT) {
        return uintBitsToFloat(PM_INF_BITS);
    }
    if (a >= PM_EXP_BIG) {
        return 0.0;
    }
    return pm_exp_core(uintBitsToFloat(b), 0.0);
}

// log x = hi + lo for a positive normal finite x.
void pm_log_ext(float x, out float hi, out float lo) {
    uint b = floatBitsToUint(x);
    int q = int(b >> 23) - 127;
    uint m = (b & PM_MANT_MASK) | PM_ONE_BITS;
    if (m >= PM_SQRT2) {
        m -= PM_MIN_NORMAL;
        q++;
    }
    precise float f = uintBitsToFloat(m) - 1.0;
    precise float fq = float(q);
    precise float ff = f * f;
    precise float ffe = pm_prod_err(f, f, ff);
    precise float p = PM_LOG_P0 * f + PM_LOG_P1;
    p = p * f + PM_LOG_P2;
    p = p * f + PM_LOG_P3;
    p = p * f + PM_LOG_P4;
    p = p * f + PM_LOG_P5;
    p = p * f + PM_LOG_P6;
    p = p * f + PM_LOG_P7;
    p = p * f + PM_LOG_P8;
    precise float g = (p * f) * ff;
    precise float hff = -0.5 * ff;
    precise float s, se, h, he;
    pm_two_sum(f, hff, s, se);
    precise float a = fq * PM_LN2_HI;
    pm_two_sum(a, s, h, he);
    precise float l = se + he;
    l = l + -0.5 * ffe;
    l = l + g;
    l = l + fq * PM_LN2_LO;
    pm_fast_two_sum(h, l, hi, lo);
}

// Natural logarithm.
float pm_log(float x) {
    uint b = pm_flush(floatBitsToUint(x));
    if ((b & PM_ABS_MASK) > PM_INF_BITS) {
        return uintBitsToFloat(PM_NAN_BITS);
    }
    if ((b & PM_ABS_MASK) == 0u) {
        return uintBitsToFloat(PM_SIGN_BIT | PM_INF_BITS);
    }
    if (b >= PM_SIGN_BIT) {
        return uintBitsToFloat(PM_NAN_BITS);
    }
    if (b == PM_INF_BITS) {
        return uintBitsToFloat(PM_INF_BITS);
    }
    float hi, lo;
    pm_log_ext(x, hi, lo);
    return hi;
}

// Square root, correctly rounded (digit by digit, fdlibm e_sqrtf.c).
float pm_sqrt(float x) {
    uint b = pm_flush(floatBitsToUint(x));
    if ((b & PM_ABS_MASK) > PM_INF_BITS || b > PM_SIGN_BIT) {
        return uintBitsToFloat(PM_NAN_BITS);
    }
    if ((b & PM_ABS_MASK) == 0u || b == PM_INF_BITS) {
        return uintBitsToFloat(b);
    }
    int e = int(b >> 23) - 127;
    uint m = (b & PM_MANT_MASK) | PM_MIN_NORMAL;
    if ((e & 1) != 0) {
        m += m;
    }
    e >>= 1;
    m += m;
    uint q = 0u;
    uint s = 0u;
    uint r = 0x01000000u;
    for (int i = 0; i < 25; i++) {
        uint t = s + r;
        uint k = ~uint(int(m - t) >> 31);
        s += (r + r) & k;
        m -= t & k;
        q += r & k;
        m += m;
        r >>= 1;
    }
    q += q & 1u;
    return uintBitsToFloat(uint(int(q >> 1) + 0x3f000000 + (e << 23)));
}

// a / b, correctly rounded (restoring long division).
float pm_div(float a, float b) {
    uint ba = pm_flush(floatBitsToUint(a));
    uint bb = pm_flush(floatBitsToUint(b));
    uint sign = (ba ^ bb) & PM_SIGN_BIT;
    uint aa = ba & PM_ABS_MASK;
    uint ab = bb & PM_ABS_MASK;
    if (aa > PM_INF_BITS || ab > PM_INF_BITS || (aa == ab && (aa == 0u || aa == PM_INF_BITS))) {
        return uintBitsToFloat(PM_NAN_BITS);
    }
    if (aa == PM_INF_BITS || ab == 0u) {
        return uintBitsToFloat(sign | PM_INF_BITS);
    }
    if (aa == 0u || ab == PM_INF_BITS) {
        return uintBitsToFloat(sign);
    }
    uint ma = (aa & PM_MANT_MASK) | PM_MIN_NORMAL;
    uint mb = (ab & PM_MANT_MASK) | PM_MIN_NORMAL;
    int e = int(aa >> 23) - int(ab >> 23) + 127;
    if (ma < mb) {
        ma += ma;
        e--;
    }
    uint q = 0u;
    for (int i = 0; i < 25; i++) {
        q += q;
        if (ma >= mb) {
            ma -= mb;
            q++;
        }
        ma += ma;
    }
    uint rbit = q & 1u;
    q >>= 1;
    if (rbit != 0u && (ma != 0u || (q & 1u) != 0u)) {
        q++;
    }
    if (e > 254) {
        return uintBitsToFloat(sign | PM_INF_BITS);
    }
    if (e < 0) {
        return uintBitsToFloat(sign);
    }
    int r = int(q) + ((e - 1) << 23);
    if (r < int(PM_MIN_NORMAL)) {
        return uintBitsToFloat(sign);
    }
    if (r >= int(PM_INF_BITS)) {
        return uintBitsToFloat(sign | PM_INF_BITS);
    }
    return uintBitsToFloat(sign | uint(r));
}

// Hyperbolic tangent.
float pm_tanh(float x) {
    uint b = pm_flush(floatBitsToUint(x));
    uint a = b & PM_ABS_MASK;
    if (a > PM_INF_BITS) {
        return uintBitsToFloat(PM_NAN_BITS);
    }
    if (a < PM_TANH_TINY) {
        return uintBitsToFloat(b);
    }
    if (a >= PM_TANH_BIG) {
        return uintBitsToFloat((b & PM_SIGN_BIT) | PM_ONE_BITS);
    }
    precise float z = uintBitsToFloat(a);
    precise float t;
    if (a < PM_TANH_MID) {
        precise float zz = z * z;
        precise float p = PM_TANH_P0 * zz + PM_TANH_P1;
        p = p * zz + PM_TANH_P2;
        p = p * zz + PM_TANH_P3;
        p = p * zz + PM_TANH_P4;
        t = (p * zz) * z + z;
    } else {
        precise float z2 = z + z;
        precise float d = pm_exp_core(z2, 0.0) + 1.0;
        t = 1.0 - pm_div(2.0, d);
    }
    return uintBitsToFloat(floatBitsToUint(t) | (b & PM_SIGN_BIT));
}

// For the bits a of a nonzero |y| (not NaN, not denormal): 0 if y is not an
// integer, 1 if it is even or infinite, 2 if it is odd.
uint pm_int_kind(uint a) {
    int e = int(a >> 23) - 127;
    if (e < 0) {
        return 0u;
    }
    if (e >= 24) {
        return 1u;
    }
    uint m = (a & PM_MANT_MASK) | PM_MIN_NORMAL;
    if (((m << uint(e)) & PM_MANT_MASK) != 0u) {
        return 0u;
    }
    return 1u + ((m >> uint(23 - e)) & 1u);
}

// |x|^y for the bits ax of |x| (zero, normal or infinite) and by of y
// (nonzero, normal or infinite).
float pm_pow_abs(uint ax, uint by) {
    uint ay = by & PM_ABS_MASK;
    bool yNeg = by >= PM_SIGN_BIT;
    bool up = (ax > PM_ONE_BITS) != yNeg;
    float inf = uintBitsToFloat(PM_INF_BITS);
    float zero = 0.0;
    if (ax == PM_ONE_BITS) {
        return 1.0;
    }
    if ((ax == 0u && yNeg) || (ax == PM_INF_BITS && !yNeg)) {
        return inf;
    }
    if (ax == 0u || ax == PM_INF_BITS) {
        return zero;
    }
    if (ay >= PM_POW_BIG_Y && up) {
        return inf;
    }
    if (ay >= PM_POW_BIG_Y) {
        return zero;
    }
    float lh, ll;
    pm_log_ext(uintBitsToFloat(ax), lh, ll);
    precise float y = uintBitsToFloat(by);
    precise float th = y * lh;
    uint at = floatBitsToUint(th) & PM_ABS_MASK;
    if (at >= PM_EXP_BIG && up) {
        return inf;
    }
    if (at >= PM_EXP_BIG) {
        return zero;
    }
    if (at < PM_POW_TINY) {
        return 1.0;
    }
    precise float tl = pm_prod_err(y, lh, th);
    tl = tl + y * ll;
    return pm_exp_core(th, tl);
}

// x^y; special cases as Go's math.Pow.
float pm_pow(float x, float y) {
    uint bx = pm_flush(floatBitsToUint(x));
    uint by = pm_flush(floatBitsToUint(y));
    uint ax = bx & PM_ABS_MASK;
    uint ay = by & PM_ABS_MASK;
    if (ay == 0u || bx == PM_ONE_BITS) {
        return 1.0;
    }
    if (ax > PM_INF_BITS || ay > PM_INF_BITS) {
        return uintBitsToFloat(PM_NAN_BITS);
    }
    uint sign = 0u;
    if (bx >= PM_SIGN_BIT) {
        uint k = pm_int_kind(ay);
        if (k == 0u && ax != 0u && ax != PM_INF_BITS) {
            return uintBitsToFloat(PM_NAN_BITS);
        }
        if (k == 2u) {
            sign = PM_SIGN_BIT;
        }
    }
    return uintBitsToFloat(floatBitsToUint(pm_pow_abs(ax, by)) | sign);
}

// sin r for |r| <= pi/4.
float pm_sin_poly(float r) {
    if ((floatBitsToUint(r) & PM_ABS_MASK) < PM_SIN_TINY) {
        return r;
    }
    precise float z = r * r;
    precise float p = PM_SIN_P0 * z + PM_SIN_P1;
    p = p * z + PM_SIN_P2;
    p = (p * z) * r;
    p = p + r;
    return p;
}

// cos r for |r| <= pi/4.
float pm_cos_poly(float r) {
    if ((floatBitsToUint(r) & PM_ABS_MASK) < PM_SIN_TINY) {
        return 1.0;
    }
    precise float z = r * r;
    precise float p = PM_COS_P0 * z + PM_COS_P1;
    p = p * z + PM_COS_P2;
    p = (p * z) * z;
    p = p - 0.5 * z;
    p = p + 1.0;
    return p;
}

// sin(r + q*pi/2) for |r| <= pi/4.
float pm_quadrant(uint q, float r) {
    precise float y;
    if ((q & 1u) == 0u) {
        y = pm_sin_poly(r);
    } else {
        y = pm_cos_poly(r);
    }
    if ((q & 2u) != 0u) {
        y = -y;
    }
    return y;
}

// |x| = (q mod 4)*pi/2 + r with |r| <= pi/4, for the bits a of a finite
// |x|, by exact integer (Payne-Hanek) reduction above pi/4.
void pm_reduce(uint a, out uint q, out float r) {
    if (a < PM_PI4) {
        q = 0u;
        r = uintBitsToFloat(a);
        return;
    }
    uint m = (a & PM_MANT_MASK) | PM_MIN_NORMAL;
    uint p = (a >> 23) - 120u;
    uint i = p >> 5;
    uint s = p & 31u;
    uint w0 = (PM_FOUR_OVER_PI[i] << s) | ((PM_FOUR_OVER_PI[i + 1u] >> 1) >> (31u - s));
    uint w1 = (PM_FOUR_OVER_PI[i + 1u] << s) | ((PM_FOUR_OVER_PI[i + 2u] >> 1) >> (31u - s));
    uint w2 = (PM_FOUR_OVER_PI[i + 2u] << s) | ((PM_FOUR_OVER_PI[i + 3u] >> 1) >> (31u - s));
    uint h1, l1, h2, l2, carry;
    umulExtended(m, w1, h1, l1);
    umulExtended(m, w2, h2, l2);
    uint c2 = uaddCarry(l1, h2, carry);
    uint c1 = m * w0 + h1 + carry;
    uint j = c1 >> 29;
    uint hi = (c1 << 3) | (c2 >> 29);
    uint lo = (c2 << 3) | (l2 >> 29);
    q = (j + 1u) >> 1;
    uint neg = j & 1u;
    if (neg != 0u) {
        hi = ~hi;
        if (lo == 0u) {
            hi++;
        }
        lo = 0u - lo;
    }
    uint t = 0u;
    if (hi == 0u) {
        hi = lo;
        lo = 0u;
        t = 32u;
    }
    if (hi == 0u) {
        r = 0.0;
        return;
    }
    uint n = uint(31 - findMSB(hi));
    hi = (hi << n) | ((lo >> 1) >> (31u - n));
    lo <<= n;
    t += n;
    precise float fh = uintBitsToFloat(((126u - t) << 23) | ((hi >> 8) & 0x7ff000u));
    precise float fl = uintBitsToFloat(PM_ONE_BITS | ((hi & 0xfffffu) << 3) | (lo >> 29)) - 1.0;
    fl = fl * uintBitsToFloat((115u - t) << 23);
    precise float c = fh * PM_PI4_LO + fl * PM_PI4_HI;
    c = c + fl * PM_PI4_LO;
    precise float rr = fh * PM_PI4_HI + c;
    r = uintBitsToFloat(floatBitsToUint(rr) | (neg << 31));
}

// Sine (radians), accurate for every finite x.
float pm_sin(float x) {
    uint b = pm_flush(floatBitsToUint(x));
    uint a = b & PM_ABS_MASK;
    if (a >= PM_INF_BITS) {
        return uintBitsToFloat(PM_NAN_BITS);
    }
    uint q;
    float r;
    pm_reduce(a, q, r);
    return uintBitsToFloat(floatBitsToUint(pm_quadrant(q, r)) ^ (b & PM_SIGN_BIT));
}

// Cosine (radians), accurate for every finite x.
float pm_cos(float x) {
    uint a = pm_flush(floatBitsToUint(x)) & PM_ABS_MASK;
    if (a >= PM_INF_BITS) {
        return uintBitsToFloat(PM_NAN_BITS);
    }
    uint q;
    float r;
    pm_reduce(a, q, r);
    return pm_quadrant(q + 1u, r);
}

#endif // SPIKEVK_PMATH_GLSL
