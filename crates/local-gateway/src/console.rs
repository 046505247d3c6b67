//! The admin console's Content-Security-Policy, computed from the environment's `amplifyconfiguration.json`.

/// The console's Content-Security-Policy for the environment whose `amplifyconfiguration.json` is `config`: its own
/// scripts and styles only, and connections to itself (the configuration file), the API and Cognito, exactly (the
/// meta tag in `index.html`, for static hosting, cannot know the hosts and allows any AWS endpoint and loopback).
pub fn content_security_policy(config: Option<&serde_json::Value>) -> String {
    let mut connect = vec!["'self'".to_owned()];
    if let Some(config) = config {
        let apis = config["aws_cloud_logic_custom"].as_array().into_iter().flatten();
        connect.extend(apis.filter_map(|api| origin(api["endpoint"].as_str()?)));
        // The local environment names Cognito's endpoint (moto); on AWS it is the region's, as aws-amplify builds it.
        let cognito = config["aws_user_pools_endpoint"].as_str().and_then(origin).or_else(|| {
            let region = config["aws_cognito_region"].as_str().or(config["aws_project_region"].as_str())?;
            let suffix = if region.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
            Some(format!("https://cognito-idp.{region}.{suffix}"))
        });
        connect.extend(cognito);
    }
    let mut seen = std::collections::HashSet::new();
    connect.retain(|source| seen.insert(source.clone()));
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; \
         connect-src {}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'",
        connect.join(" ")
    )
}

/// `scheme://host[:port]` of a URL, as a CSP source; `None` for anything but an http(s) URL with a plain host.
fn origin(url: &str) -> Option<String> {
    let uri: http::Uri = url.parse().ok()?;
    let scheme = uri.scheme_str().filter(|s| matches!(*s, "http" | "https"))?;
    let authority = uri.authority()?;
    let plain = authority.as_str().chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    plain.then(|| format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connect_src(policy: &str) -> Vec<&str> {
        let directive = policy.split("; ").find_map(|d| d.strip_prefix("connect-src ")).unwrap();
        directive.split(' ').collect()
    }

    #[test]
    fn the_local_policy_names_the_gateway_and_moto() {
        let config = serde_json::json!({
            "aws_cognito_region": "us-east-1",
            "aws_user_pools_endpoint": "http://127.0.0.1:41234",
            "aws_cloud_logic_custom": [{ "name": "AdminQueries", "endpoint": "http://127.0.0.1:40000/local" }],
        });
        let policy = content_security_policy(Some(&config));
        assert_eq!(connect_src(&policy), ["'self'", "http://127.0.0.1:40000", "http://127.0.0.1:41234"]);
        assert!(policy.starts_with("default-src 'none'; script-src 'self'; style-src 'self';"), "{policy}");
        assert!(!policy.contains("unsafe"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    }

    #[test]
    fn on_aws_the_policy_names_the_api_and_the_regions_cognito() {
        let config = serde_json::json!({
            "aws_project_region": "eu-west-1",
            "aws_cognito_region": "eu-west-1",
            "aws_cloud_logic_custom": [{ "endpoint": "https://abc123.execute-api.eu-west-1.amazonaws.com/dev" }],
        });
        assert_eq!(
            connect_src(&content_security_policy(Some(&config))),
            [
                "'self'",
                "https://abc123.execute-api.eu-west-1.amazonaws.com",
                "https://cognito-idp.eu-west-1.amazonaws.com"
            ]
        );
        let china = serde_json::json!({ "aws_cognito_region": "cn-north-1" });
        assert_eq!(
            connect_src(&content_security_policy(Some(&china))),
            ["'self'", "https://cognito-idp.cn-north-1.amazonaws.com.cn"]
        );
    }

    #[test]
    fn without_a_readable_configuration_only_the_console_itself_is_allowed() {
        assert_eq!(connect_src(&content_security_policy(None)), ["'self'"]);
        // An endpoint that is not a plain http(s) URL never reaches the header.
        let odd = serde_json::json!({ "aws_cloud_logic_custom": [{ "endpoint": "javascript:alert(1)" }, { "endpoint": "https://a b" }] });
        assert_eq!(connect_src(&content_security_policy(Some(&odd))), ["'self'"]);
    }
}
