def main():
    from malrapport.schemas import words
    print("ok", words)
