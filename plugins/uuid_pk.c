/* UUID primary keys: random (v4) and time-ordered (v7, monotonic within the process). */
#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <athanor/mixins.h>

static const ath_mixin_role id_role[] = {{.name = "id", .type = ATH_T_UUID, .flags = ATH_PK}};

static int random_bytes(unsigned char *p, size_t n)
{
    while (n) {
        ssize_t got = getrandom(p, n, 0);
        if (got <= 0)
            return -1;
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

static int set_id(const ath_mixin_ctx *ctx, void *obj, const ath_uuid *u)
{
    ath_value v = ath_v_uuid(*u);
    return ath_mixin_set(ctx, obj, 0, &v);
}

static int v4_before_insert(const ath_mixin_ctx *ctx, void *obj)
{
    if (!ath_mixin_unset(ctx, obj, 0))
        return ATH_OK;
    ath_uuid u;
    if (random_bytes(u.bytes, 16) < 0)
        return ATH_EINVAL;
    u.bytes[6] = (unsigned char)((u.bytes[6] & 0x0f) | 0x40); /* version 4 */
    u.bytes[8] = (unsigned char)((u.bytes[8] & 0x3f) | 0x80); /* RFC 9562 variant */
    return set_id(ctx, obj, &u);
}

/* v7: 48-bit Unix milliseconds, then a 12-bit counter (rand_a) that keeps ids from one process
 * increasing within a millisecond, then 62 random bits. */
static pthread_mutex_t v7_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t v7_last_ms;
static unsigned v7_counter;

static int v7_before_insert(const ath_mixin_ctx *ctx, void *obj)
{
    if (!ath_mixin_unset(ctx, obj, 0))
        return ATH_OK;
    ath_uuid u;
    if (random_bytes(u.bytes, 16) < 0)
        return ATH_EINVAL;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    pthread_mutex_lock(&v7_lock);
    if (ms <= v7_last_ms) {
        ms = v7_last_ms;
        if (++v7_counter > 0xfff) { /* counter exhausted: borrow the next millisecond */
            ms++;
            v7_counter = 0;
        }
    } else {
        v7_counter = (unsigned)(u.bytes[7] & 0x3f); /* a random start leaves room to count up */
    }
    v7_last_ms = ms;
    unsigned counter = v7_counter;
    pthread_mutex_unlock(&v7_lock);
    for (int i = 0; i < 6; i++)
        u.bytes[i] = (unsigned char)(ms >> (40 - 8 * i));
    u.bytes[6] = (unsigned char)(0x70 | ((counter >> 8) & 0x0f));
    u.bytes[7] = (unsigned char)(counter & 0xff);
    u.bytes[8] = (unsigned char)((u.bytes[8] & 0x3f) | 0x80);
    return set_id(ctx, obj, &u);
}

const ath_mixin ath_uuid_pk = {
    .abi = ATH_MIXIN_ABI,
    .name = "uuid_pk", .roles = id_role, .nroles = 1, .before_insert = v4_before_insert};

const ath_mixin ath_uuid7_pk = {
    .name = "uuid7_pk", .roles = id_role, .nroles = 1, .before_insert = v7_before_insert};

static const ath_mixin_role bigint_role[] = {
    {.name = "id", .type = ATH_T_I64, .flags = ATH_PK | ATH_AUTOINC}};

const ath_mixin ath_bigint_pk = {
    .abi = ATH_MIXIN_ABI, .name = "bigint_pk", .roles = bigint_role, .nroles = 1};
