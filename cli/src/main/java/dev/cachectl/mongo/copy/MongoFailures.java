package dev.cachectl.mongo.copy;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.config.Endpoint;

/** A driver failure as an operator sentence with its exit code: unreachable or lost is 3, credentials 2, the rest 1. */
public final class MongoFailures {
    private MongoFailures() {
    }

    public static CachectlException translate(MongoException e, Endpoint where, String doing) {
        if (e instanceof MongoSecurityException || e instanceof MongoCommandException c && c.getErrorCode() == 18) {
            return new CachectlException(ExitCode.USAGE, where + ": authentication failed: check the user and password in the URL", e);
        }
        if (e instanceof MongoCommandException c && c.getErrorCode() == 13) {
            return new CachectlException(ExitCode.USAGE, where + ": not authorized to " + doing + ": give a user with the needed role", e);
        }
        if (e instanceof MongoTimeoutException || e instanceof MongoSocketException
                || e.getCause() instanceof java.io.IOException) {
            return new CachectlException(ExitCode.DOWN, "lost " + where + " while " + doing + " (it does not answer)", e);
        }
        String message = CachectlException.withoutJavaNames(e.getMessage());
        return new CachectlException(ExitCode.FAILED, where + ": " + doing + " failed"
                + (message.isEmpty() ? "" : ": " + message), e);
    }
}
