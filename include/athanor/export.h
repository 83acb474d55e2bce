/* Athanor — symbol export and C/C++ linkage macros shared by every public header. */
#ifndef ATHANOR_EXPORT_H
#define ATHANOR_EXPORT_H

#if defined(_WIN32)
#define ATH_API
#elif defined(__GNUC__) || defined(__clang__)
#define ATH_API __attribute__((visibility("default")))
#else
#define ATH_API
#endif

#ifdef __cplusplus
#define ATH_BEGIN_DECLS extern "C" {
#define ATH_END_DECLS   }
#else
#define ATH_BEGIN_DECLS
#define ATH_END_DECLS
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ATH_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define ATH_PRINTF(fmt, args)
#endif

#endif
