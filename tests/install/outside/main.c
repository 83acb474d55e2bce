/* Uses an installed Athanor: engine, session, one query on SQLite in memory. */
#include <athanor/athanor.h>
#include <stdio.h>

int main(void)
{
    ath_engine *engine = NULL;
    ath_session *session = NULL;
    ath_result *result = NULL;
    int rc = ath_engine_create(&engine, "sqlite:///:memory:");
    if (rc == ATH_OK)
        rc = ath_session_open(&session, engine);
    ath_value v = ath_v_i64(41);
    if (rc == ATH_OK)
        rc = ath_session_execute(session, "SELECT ? + 1", &v, 1, &result);
    if (rc == ATH_OK && ath_result_next(result) == 1)
        printf("outside: %lld\n", (long long)ath_result_i64(result, 0));
    else
        printf("outside failed: %s: %s\n", ath_code_name(rc), ath_error_last()->message);
    ath_result_free(result);
    ath_session_close(session);
    ath_engine_dispose(engine);
    return rc == ATH_OK ? 0 : 1;
}
