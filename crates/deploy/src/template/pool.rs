//! The user pool (with its SMS role when users sign in with a phone number), its groups and the app client.

use serde_json::{Map, Value, json};

use super::{APP_CLIENT, Part, USER_POOL, checkov_skips, group_logical_id, skip, validity};
use crate::config::{Mfa, UsernameAttribute};

/// The pool and its groups; nothing when the config adopts an existing pool.
pub(super) fn pool_and_groups(part: &Part, resources: &mut Map<String, Value>) {
    let (config, policy, retain, pool_id) = (part.config, part.policy, part.retain, &part.pool_id);
    if config.user_pool.existing.is_none() {
        let email_sign_in = config.user_pool.username_attributes.contains(&UsernameAttribute::Email);
        let mut properties = json!({
            "UserPoolName": part.names.user_pool,
            "DeletionProtection": if retain { "ACTIVE" } else { "INACTIVE" },
            "Policies": { "PasswordPolicy": {
                "MinimumLength": 8, "RequireLowercase": true, "RequireUppercase": true,
                "RequireNumbers": true, "RequireSymbols": true, "TemporaryPasswordValidityDays": 7,
            }},
            "AdminCreateUserConfig": { "AllowAdminCreateUserOnly": !config.user_pool.self_sign_up },
            "MfaConfiguration": config.user_pool.mfa.cognito_name(),
            "AccountRecoverySetting": { "RecoveryMechanisms": [{ "Name": "verified_email", "Priority": 1 }] },
            // Byte-stable on every synthesis: Cognito refuses any change to Schema, even a reordering.
            "Schema": [{ "Name": "email", "AttributeDataType": "String", "Mutable": true, "Required": email_sign_in }],
        });
        if config.user_pool.mfa != Mfa::Off {
            properties["EnabledMfas"] = json!(["SOFTWARE_TOKEN_MFA"]);
        }
        if !config.user_pool.username_attributes.is_empty() {
            let attributes: Vec<&str> = config.user_pool.username_attributes.iter().map(|a| a.cognito_name()).collect();
            properties["UsernameAttributes"] = json!(attributes);
            properties["AutoVerifiedAttributes"] = json!(attributes);
        }
        if config.user_pool.username_attributes.contains(&UsernameAttribute::PhoneNumber) {
            // Cognito verifies phone numbers by SMS, through Amazon SNS, with a role it assumes (as Amplify does).
            let external_id = &part.names.sms_external_id;
            properties["SmsConfiguration"] =
                json!({ "SnsCallerArn": { "Fn::GetAtt": [SMS_ROLE, "Arn"] }, "ExternalId": external_id });
            resources.insert(SMS_ROLE.into(), sms_role(external_id));
        }
        properties["UsernameConfiguration"] = json!({ "CaseSensitive": false });
        resources.insert(
            USER_POOL.into(),
            json!({ "Type": "AWS::Cognito::UserPool", "DeletionPolicy": policy, "UpdateReplacePolicy": policy, "Properties": properties }),
        );
        for group in config.effective_groups() {
            let mut properties = json!({ "UserPoolId": pool_id, "GroupName": group.name });
            if let Some(precedence) = group.precedence {
                properties["Precedence"] = json!(precedence);
            }
            if let Some(description) = &group.description {
                properties["Description"] = json!(description);
            }
            resources.insert(
                group_logical_id(&group.name),
                json!({ "Type": "AWS::Cognito::UserPoolGroup", "DeletionPolicy": policy, "UpdateReplacePolicy": policy, "Properties": properties }),
            );
        }
    }
}

/// The app client, with the token lifetimes of the config; none when the config names the adopted pool's own
/// (`user_pool.client_id`), which the stack never touches.
pub(super) fn client(part: &Part, resources: &mut Map<String, Value>) {
    let (config, policy, pool_id) = (part.config, part.policy, &part.pool_id);
    if config.user_pool.client_id.is_some() {
        return;
    }
    let lifetimes = &config.user_pool.token_validity;
    let (access, id, refresh) =
        (validity(lifetimes.access, false), validity(lifetimes.id, false), validity(lifetimes.refresh, true));
    resources.insert(
        APP_CLIENT.into(),
        json!({
            "Type": "AWS::Cognito::UserPoolClient",
            "DeletionPolicy": policy,
            "UpdateReplacePolicy": policy,
            "Properties": {
                "UserPoolId": pool_id,
                "ClientName": part.names.app_client,
                "GenerateSecret": false,
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "PreventUserExistenceErrors": "ENABLED",
                "AccessTokenValidity": access.0,
                "IdTokenValidity": id.0,
                "RefreshTokenValidity": refresh.0,
                "TokenValidityUnits": { "AccessToken": access.1, "IdToken": id.1, "RefreshToken": refresh.1 },
            },
        }),
    );
}

/// The logical id of the role Cognito assumes to send SMS.
pub const SMS_ROLE: &str = "UserPoolSmsRole";

/// The role Cognito assumes to send SMS through SNS (phone number verification): trusted by Cognito only, for this
/// account and with this pool's external id; allowed to publish SMS to phone numbers, never to a topic.
fn sms_role(external_id: &str) -> Value {
    json!({
        "Type": "AWS::IAM::Role",
        "Metadata": checkov_skips(vec![skip("CKV_AWS_111", "Cognito publishes SMS straight to phone numbers, which have no ARN: \"*\" is the only resource sns:Publish takes for them, and the Deny statement refuses every topic")]),
        "Properties": {
            "Description": "Cognito sends the user pool's SMS (phone number verification) through SNS with this role",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": { "Service": "cognito-idp.amazonaws.com" },
                    "Action": "sts:AssumeRole",
                    "Condition": {
                        "StringEquals": { "sts:ExternalId": external_id, "aws:SourceAccount": { "Ref": "AWS::AccountId" } },
                    },
                }],
            },
            "Policies": [{
                "PolicyName": "cognito-sms",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        // SMS to a phone number has no resource ARN: "*" is the only value for it.
                        { "Sid": "SmsToPhoneNumbers", "Effect": "Allow", "Action": "sns:Publish", "Resource": "*" },
                        { "Sid": "NoTopics", "Effect": "Deny", "Action": "sns:Publish", "Resource": { "Fn::Sub": "arn:${AWS::Partition}:sns:*:*:*" } },
                    ],
                },
            }],
        },
    })
}
