#include "http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static size_t on_body(char *ptr, size_t size, size_t n, void *data)
{
	struct ck_test_response *r = data;
	return ck_buf_add(&r->body, ptr, size * n) == 0 ? size * n : 0;
}

static size_t on_header(char *ptr, size_t size, size_t n, void *data)
{
	struct ck_test_response *r = data;
	size_t len = size * n, have = strlen(r->headers);
	if (have + len < sizeof(r->headers)) {
		memcpy(r->headers + have, ptr, len);
		r->headers[have + len] = '\0';
	}
	if (len > 13 && strncasecmp(ptr, "Content-Type:", 13) == 0) {
		const char *v = ptr + 13;
		while (*v == ' ')
			v++;
		size_t vlen = len - (size_t)(v - ptr);
		while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
			vlen--;
		if (vlen >= sizeof(r->content_type))
			vlen = sizeof(r->content_type) - 1;
		memcpy(r->content_type, v, vlen);
		r->content_type[vlen] = '\0';
	}
	return len;
}

int ck_test_http(const char *method, const char *url, const char *content_type, const char *body,
		 const char *accept, struct ck_test_response *ret)
{
	return ck_test_http_as(NULL, method, url, content_type, body, accept, ret);
}

int ck_test_http_as(const struct ck_test_client *who, const char *method, const char *url,
		    const char *content_type, const char *body, const char *accept,
		    struct ck_test_response *ret)
{
	memset(ret, 0, sizeof(*ret));
	ck_buf_init(&ret->body, 0);
	CURL *c = curl_easy_init();
	if (!c)
		return -ENOMEM;
	struct curl_slist *h = NULL;
	char line[512];
	if (content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s", content_type);
		h = curl_slist_append(h, line);
	}
	if (accept) {
		snprintf(line, sizeof(line), "Accept: %s", accept);
		h = curl_slist_append(h, line);
	}
	if (who && who->token) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", who->token);
		h = curl_slist_append(h, line);
	}
	if (who && who->cert) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, who->cert);
		curl_easy_setopt(c, CURLOPT_SSLKEY, who->key);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, ret);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, ret);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	CURLcode cr = curl_easy_perform(c);
	if (cr == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &ret->code);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return cr == CURLE_OK ? 0 : -EIO;
}

void ck_test_response_release(struct ck_test_response *r)
{
	ck_buf_release(&r->body);
}

json_object *ck_test_response_json(const struct ck_test_response *r)
{
	return r->body.len ? json_tokener_parse(ck_buf_str(&r->body)) : NULL;
}

json_object *ck_test_request(const char *base, const char *method, const char *path,
			     const char *json_body, long *ret_code)
{
	return ck_test_request_as(NULL, base, method, path, json_body, NULL, ret_code);
}

json_object *ck_test_request_as(const struct ck_test_client *who, const char *base,
				const char *method, const char *path, const char *body,
				const char *content_type, long *ret_code)
{
	char url[2048];
	snprintf(url, sizeof(url), "%s%s", base, path);
	struct ck_test_response r;
	json_object *out = NULL;
	*ret_code = 0;
	if (!content_type && body)
		content_type = "application/json";
	if (ck_test_http_as(who, method, url, content_type, body, NULL, &r) == 0) {
		*ret_code = r.code;
		out = ck_test_response_json(&r);
	}
	ck_test_response_release(&r);
	return out;
}
