//! The one error type: DynamoDB's error code plus its exact message.

use std::fmt;

/// DynamoDB's error codes (the part after `#` in `__type`). New operations add codes, so
/// matches need a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Request failed a validation rule.
    ValidationException,
    /// Request body could not be deserialised.
    SerializationException,
    /// Table or index does not exist.
    ResourceNotFoundException,
    /// Table or index already exists or is busy.
    ResourceInUseException,
    /// A ConditionExpression evaluated to false.
    ConditionalCheckFailedException,
    /// A transaction was cancelled.
    TransactionCanceledException,
    /// A ClientRequestToken was reused with another payload.
    IdempotentParameterMismatchException,
    /// A PartiQL INSERT hit an existing item.
    DuplicateItemException,
    /// Too many tables or indexes.
    LimitExceededException,
    /// Unknown X-Amz-Target operation.
    UnknownOperationException,
    /// Request carried no credentials.
    MissingAuthenticationTokenException,
    /// Request payload was too large.
    RequestEntityTooLarge,
    /// A shard iterator older than 15 minutes (DynamoDB Streams).
    ExpiredIteratorException,
    /// A stream position whose records were trimmed (DynamoDB Streams).
    TrimmedDataAccessException,
    /// A fault on our side; never caused by input.
    InternalServerError,
}

impl ErrorCode {
    /// The code as DynamoDB spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ValidationException => "ValidationException",
            ErrorCode::SerializationException => "SerializationException",
            ErrorCode::ResourceNotFoundException => "ResourceNotFoundException",
            ErrorCode::ResourceInUseException => "ResourceInUseException",
            ErrorCode::ConditionalCheckFailedException => "ConditionalCheckFailedException",
            ErrorCode::TransactionCanceledException => "TransactionCanceledException",
            ErrorCode::IdempotentParameterMismatchException => {
                "IdempotentParameterMismatchException"
            }
            ErrorCode::DuplicateItemException => "DuplicateItemException",
            ErrorCode::LimitExceededException => "LimitExceededException",
            ErrorCode::UnknownOperationException => "UnknownOperationException",
            ErrorCode::MissingAuthenticationTokenException => "MissingAuthenticationTokenException",
            ErrorCode::RequestEntityTooLarge => "RequestEntityTooLarge",
            ErrorCode::ExpiredIteratorException => "ExpiredIteratorException",
            ErrorCode::TrimmedDataAccessException => "TrimmedDataAccessException",
            ErrorCode::InternalServerError => "InternalServerError",
        }
    }

    /// The `__type` namespace DynamoDB puts before this code.
    pub fn type_prefix(self) -> &'static str {
        match self {
            ErrorCode::SerializationException
            | ErrorCode::UnknownOperationException
            | ErrorCode::MissingAuthenticationTokenException
            | ErrorCode::RequestEntityTooLarge => "com.amazon.coral.service#",
            ErrorCode::ValidationException => "com.amazon.coral.validate#",
            _ => "com.amazonaws.dynamodb.v20120810#",
        }
    }
}

/// An error as DynamoDB reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    code: ErrorCode,
    message: String,
    /// Extra top-level fields of the error body (e.g. `Item`, `CancellationReasons`).
    extra: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Error {
    /// An error with a code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            extra: None,
        }
    }

    /// A ValidationException.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationException, message)
    }

    /// A ValidationException prefixed "One or more parameter values were invalid: ".
    pub fn invalid_param(message: impl fmt::Display) -> Self {
        Self::validation(format!(
            "One or more parameter values were invalid: {message}"
        ))
    }

    /// A SerializationException.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::SerializationException, message)
    }

    /// ResourceNotFoundException with DynamoDB's generic text.
    pub fn resource_not_found() -> Self {
        Self::new(
            ErrorCode::ResourceNotFoundException,
            "Requested resource not found",
        )
    }

    /// An internal fault (never caused by input).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InternalServerError, message)
    }

    /// Attach an extra body field.
    pub fn with_field(mut self, key: &str, value: serde_json::Value) -> Self {
        self.extra
            .get_or_insert_with(Default::default)
            .insert(key.to_string(), value);
        self
    }

    /// The error code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The exact message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Extra body fields, if any.
    pub fn extra(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
        self.extra.as_ref()
    }

    /// The `__type` value of the error body.
    pub fn type_name(&self) -> String {
        format!("{}{}", self.code.type_prefix(), self.code.as_str())
    }

    /// The JSON body DynamoDB sends for this error: no message key when there is no message,
    /// and `Message` (capital M) for SerializationException and TransactionCanceledException, as
    /// DynamoDB spells it.
    pub fn to_json(&self) -> serde_json::Value {
        let mut body = serde_json::Map::new();
        body.insert("__type".into(), self.type_name().into());
        if !self.message.is_empty() {
            let key = match self.code {
                ErrorCode::SerializationException | ErrorCode::TransactionCanceledException => {
                    "Message"
                }
                _ => "message",
            };
            body.insert(key.into(), self.message.clone().into());
        }
        if let Some(extra) = &self.extra {
            for (k, v) in extra {
                body.insert(k.clone(), v.clone());
            }
        }
        serde_json::Value::Object(body)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::internal(format!("storage error: {e}"))
    }
}

/// Result with the crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
