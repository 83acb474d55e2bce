/*
 * Athanor — the machinery that lets the model, mixin and filter macros compile as C++ (C++11 and
 * later). Included by model.h, mixin.h, filter.h and schema.h when __cplusplus is defined; a
 * program never includes it itself. Nothing here is API: names start with ath_cxx / ATH__CXX.
 *
 * The C macros build descriptors with designated initialisers, compound literals and _Generic,
 * none of which C++ (before C++20, and not all even then) accepts. Their C++ forms keep the same
 * spelling for the caller — ATH_FIELD(Hero, name, text, .flags = ATH_INDEX) — by turning each
 * option `.member = value` into the statement `f .member = value;` inside a lambda that fills a
 * zero-initialised descriptor, and by checking member types with templates instead of
 * _Generic. Arrays passed as (pointer, count) come from std::initializer_list temporaries,
 * which live until the end of the full expression — the call they are arguments of.
 */
#ifndef ATHANOR_CXX_H
#define ATHANOR_CXX_H

#ifdef __cplusplus

#include <cstddef>
#include <initializer_list>
#include <type_traits>

#include "value.h"

namespace ath_cxx {

/** Fills a zero-initialised T with `set` (a lambda applying the caller's options). */
template <class T, class Set> inline T build(T value, Set set)
{
    set(value);
    return value;
}

/** 1 when P (the type of &member) is one of the accepted pointer types, else -1 (an error as
 *  an array size, which is how a wrong member type is refused at compile time). */
template <class P, class... Ok> struct accept;
template <class P> struct accept<P> {
    enum { value = -1 };
};
template <class P, class First, class... Rest> struct accept<P, First, Rest...> {
    enum { value = std::is_same<P, First>::value ? 1 : accept<P, Rest...>::value };
};

/** The member's C type as a number, as ATH__CT_OF computes it in C (opt wrappers: 100 + type;
 *  -1 for anything else, arrays included). P is the type of &member. */
template <class P> struct ct_of {
    enum { value = -1 };
};
#define ATH__CXX_CT(T, v)                                                                          \
    template <> struct ct_of<T *> {                                                                \
        enum { value = (v) };                                                                      \
    };
ATH__CXX_CT(int32_t, ATH_T_I32)
ATH__CXX_CT(int64_t, ATH_T_I64)
ATH__CXX_CT(double, ATH_T_DOUBLE)
ATH__CXX_CT(bool, ATH_T_BOOL)
ATH__CXX_CT(char *, ATH_T_TEXT)
ATH__CXX_CT(const char *, ATH_T_TEXT)
ATH__CXX_CT(ath_blob, ATH_T_BLOB)
ATH__CXX_CT(ath_uuid, ATH_T_UUID)
ATH__CXX_CT(ath_opt_i32, 100 + ATH_T_I32)
ATH__CXX_CT(ath_opt_i64, 100 + ATH_T_I64)
ATH__CXX_CT(ath_opt_double, 100 + ATH_T_DOUBLE)
ATH__CXX_CT(ath_opt_bool, 100 + ATH_T_BOOL)
ATH__CXX_CT(ath_opt_timestamp, 100 + ATH_T_TIMESTAMP)
ATH__CXX_CT(ath_opt_date, 100 + ATH_T_DATE)
ATH__CXX_CT(ath_opt_uuid, 100 + ATH_T_UUID)
#undef ATH__CXX_CT

} // namespace ath_cxx

/* ATH__CXX_SET(f, a, b, …) -> `f a; f b; …` for up to 16 options. */
#define ATH__CXX_CAT_(a, b)  a##b
#define ATH__CXX_CAT(a, b)   ATH__CXX_CAT_(a, b)
#define ATH__CXX_NARGS(...)  ATH__CXX_NARGS_(__VA_ARGS__, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define ATH__CXX_NARGS_(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, n, ...) n
#define ATH__CXX_SET(f, ...) ATH__CXX_CAT(ATH__CXX_SET_, ATH__CXX_NARGS(__VA_ARGS__))(f, __VA_ARGS__)
#define ATH__CXX_SET_1(f, a)       f a;
#define ATH__CXX_SET_2(f, a, ...)  f a; ATH__CXX_SET_1(f, __VA_ARGS__)
#define ATH__CXX_SET_3(f, a, ...)  f a; ATH__CXX_SET_2(f, __VA_ARGS__)
#define ATH__CXX_SET_4(f, a, ...)  f a; ATH__CXX_SET_3(f, __VA_ARGS__)
#define ATH__CXX_SET_5(f, a, ...)  f a; ATH__CXX_SET_4(f, __VA_ARGS__)
#define ATH__CXX_SET_6(f, a, ...)  f a; ATH__CXX_SET_5(f, __VA_ARGS__)
#define ATH__CXX_SET_7(f, a, ...)  f a; ATH__CXX_SET_6(f, __VA_ARGS__)
#define ATH__CXX_SET_8(f, a, ...)  f a; ATH__CXX_SET_7(f, __VA_ARGS__)
#define ATH__CXX_SET_9(f, a, ...)  f a; ATH__CXX_SET_8(f, __VA_ARGS__)
#define ATH__CXX_SET_10(f, a, ...) f a; ATH__CXX_SET_9(f, __VA_ARGS__)
#define ATH__CXX_SET_11(f, a, ...) f a; ATH__CXX_SET_10(f, __VA_ARGS__)
#define ATH__CXX_SET_12(f, a, ...) f a; ATH__CXX_SET_11(f, __VA_ARGS__)
#define ATH__CXX_SET_13(f, a, ...) f a; ATH__CXX_SET_12(f, __VA_ARGS__)
#define ATH__CXX_SET_14(f, a, ...) f a; ATH__CXX_SET_13(f, __VA_ARGS__)
#define ATH__CXX_SET_15(f, a, ...) f a; ATH__CXX_SET_14(f, __VA_ARGS__)
#define ATH__CXX_SET_16(f, a, ...) f a; ATH__CXX_SET_15(f, __VA_ARGS__)

/* (pointer, count) of a braced list of T, for the ATH_FILTERS-style macros */
#define ATH__CXX_ARRAY(T, ...)                                                                     \
    std::initializer_list<T>{__VA_ARGS__}.begin(), std::initializer_list<T>{__VA_ARGS__}.size()

#endif /* __cplusplus */
#endif
