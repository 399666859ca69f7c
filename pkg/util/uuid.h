/* Random (version 4) UUIDs, as metadata.uid. */
#ifndef CK_UTIL_UUID_H
#define CK_UTIL_UUID_H

/* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" plus NUL. */
#define CK_UUID_BUF 37

/* Fills out with a new UUIDv4 from getrandom(2); 0 or a negative errno. */
int ck_uuid_v4(char out[CK_UUID_BUF]);

/* Fills buf with len random bytes from getrandom(2); 0 or a negative errno. */
int ck_random_bytes(void *buf, unsigned long len);

#endif
